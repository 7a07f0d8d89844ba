import { notFound } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Cancels (deletes) a maintenance. Writes: marker (carrying the audit event), delete (conditional on
 * the version read), audit, bump. A stop after the delete: the reconciler publishes the page without
 * it and records the audit event (it is gone); a resumed retry finds it gone and only finishes.
 */
export async function deleteMaintenance(deps: ServiceDeps, actor: Actor, id: string, expectedVersion?: number) {
  const operationId = operationIdOf(actor, deps);
  const first = await deps.store.maintenances.get(actor.tenantId, id);
  if (!first && !actor.resumed) throw notFound('Scheduled maintenance');
  if (first) assertVersion(first, expectedVersion, 'maintenance');
  const target = { type: 'maintenance', id };
  const deleteAudit = auditEventOf(actor, operationId, 'maintenance.deleted', target);
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      // Without If-Match a concurrent update is no reason to refuse the cancellation: reload, retry.
      await retryRaces(
        async () => {
          const current = await deps.store.maintenances.get(actor.tenantId, id);
          if (!current) return;
          assertVersion(current, expectedVersion, 'maintenance');
          try {
            await write(() => deps.store.maintenances.delete(actor.tenantId, id, current.version));
          } catch (error) {
            throw asIfMatchConflict(error, expectedVersion);
          }
        },
        expectedVersion === undefined ? {} : { attempts: 1 },
      );
      await write(() => audit(deps, actor, operationId, 'maintenance.deleted', target));
    },
    { deleteAudit },
  );
}
