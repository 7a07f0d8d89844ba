import { notFound } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Deletes a monitor. Writes: marker (carrying the audit event), delete, audit, end (no bump: a monitor
 * is not on the page). A stop after the delete: the reconciler records the audit event, since the
 * monitor is gone; a stop before it records nothing. A resumed retry (same Idempotency-Key) finds it
 * gone and only audits; the event's id is the operation's, so it is recorded once.
 */
export async function deleteMonitor(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.monitors.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Monitor');
  const target = { type: 'monitor', id };
  const deleteAudit = auditEventOf(actor, operationId, 'monitor.deleted', target);
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      if (current) await write(() => deps.store.monitors.delete(actor.tenantId, id));
      await write(() => audit(deps, actor, operationId, 'monitor.deleted', target));
    },
    { deleteAudit, pageChanges: false },
  );
}
