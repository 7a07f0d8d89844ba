import { isAppError } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/**
 * Revokes an API key of the tenant. Writes: revoke (a 404 for another tenant's or an unknown key),
 * then audit. A stop after the revoke: the audit event is missing until a retry under the same
 * Idempotency-Key (`actor.resumed`) finds the key revoked and only audits (its id derives from the
 * operation, so once); the event is never written for a key that is still live.
 */
export async function revokeApiKey(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  try {
    await deps.store.apiKeys.revoke(actor.tenantId, id);
  } catch (error) {
    const revokedBefore =
      actor.resumed &&
      isAppError(error) &&
      error.code === 'not_found' &&
      (await deps.store.apiKeys.list(actor.tenantId)).some((k) => k.id === id && k.revokedAt);
    if (!revokedBefore) throw error;
  }
  await audit(deps, actor, operationId, 'api_key.revoked', { type: 'api_key', id });
}
