import { notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/**
 * Deletes a monitor. Writes: delete, then audit (no entry for a delete that did not happen). A stop
 * after the delete: the audit event is missing until a retry under the same Idempotency-Key
 * (`actor.resumed`) finds the monitor gone and only audits, once (its id derives from the operation).
 */
export async function deleteMonitor(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.monitors.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Monitor');
  if (current) await deps.store.monitors.delete(actor.tenantId, id);
  await audit(deps, actor, operationId, 'monitor.deleted', { type: 'monitor', id });
}
