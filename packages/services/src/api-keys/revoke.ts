import { isAppError } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Revokes an API key of the tenant. Writes: marker (carrying the audit event), revoke (a 404 for
 * another tenant's or an unknown key), audit, end (no bump). A stop after the revoke: the reconciler
 * records the audit event, since the key is revoked; a stop before it records nothing. A resumed
 * retry (same Idempotency-Key) finds the key revoked and only audits, once (the event id is the
 * operation's); the event is never recorded for a key that is still live.
 */
export async function revokeApiKey(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const key = (await deps.store.apiKeys.list(actor.tenantId)).find((k) => k.id === id);
  if (!key || (key.revokedAt && !actor.resumed)) {
    // The store's own answer (404), without a marker: nothing is written for an unknown key.
    await deps.store.apiKeys.revoke(actor.tenantId, id);
  }
  const target = { type: 'api_key', id };
  const deleteAudit = auditEventOf(actor, operationId, 'api_key.revoked', target);
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      try {
        await write(() => deps.store.apiKeys.revoke(actor.tenantId, id));
      } catch (error) {
        // Revoked by the failed attempt this one resumes: only the audit is left to do.
        if (!(actor.resumed && isAppError(error) && error.code === 'not_found')) throw error;
      }
      await write(() => audit(deps, actor, operationId, 'api_key.revoked', target));
    },
    { deleteAudit, pageChanges: false },
  );
}
