import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/** Deletes a monitor. Writes: delete, then audit (no entry for a delete that did not happen). */
export async function deleteMonitor(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  await deps.store.monitors.require(actor.tenantId, id);
  await deps.store.monitors.delete(actor.tenantId, id);
  await audit(deps, actor, operationId, 'monitor.deleted', { type: 'monitor', id });
}
