import { notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/** Deletes a monitor. Writes: delete, then audit (no entry for a delete that did not happen). */
export async function deleteMonitor(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.monitors.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Monitor');
  if (current) await deps.store.monitors.delete(actor.tenantId, id);
  await audit(deps, actor, operationId, 'monitor.deleted', { type: 'monitor', id });
}
