import { notFound } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, assertVersion, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Deletes a component. Writes: marker (carrying the audit event), delete, audit, bump. A stop after
 * the delete: the reconciler publishes the page without it and records the audit event, since the
 * component is gone; a stop before it: the reconciler finds the component and records nothing. A
 * resumed retry that finds it gone only finishes (audit, bump); the event's id is the operation's,
 * so it is recorded once whoever writes it.
 */
export async function deleteComponent(deps: ServiceDeps, actor: Actor, id: string, expectedVersion?: number) {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.components.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Component');
  if (current) assertVersion(current, expectedVersion, 'component');
  const target = { type: 'component', id };
  const deleteAudit = auditEventOf(actor, operationId, 'component.deleted', target);
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      if (current) await write(() => deps.store.components.delete(actor.tenantId, id));
      await write(() => audit(deps, actor, operationId, 'component.deleted', target));
    },
    { deleteAudit },
  );
}
