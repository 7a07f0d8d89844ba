import { notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/** Cancels (deletes) a maintenance. Writes: marker, delete (conditional on the version read), audit, bump. */
export async function deleteMaintenance(deps: ServiceDeps, actor: Actor, id: string, expectedVersion?: number) {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.maintenances.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Scheduled maintenance');
  if (current) assertVersion(current, expectedVersion, 'maintenance');
  await changePage(deps, actor.tenantId, operationId, async (write) => {
    try {
      if (current) await write(() => deps.store.maintenances.delete(actor.tenantId, id, current.version));
    } catch (error) {
      throw asIfMatchConflict(error, expectedVersion);
    }
    await write(() => audit(deps, actor, operationId, 'maintenance.deleted', { type: 'maintenance', id }));
  });
}
