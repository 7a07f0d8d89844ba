import { AppError } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/** Deletes an empty group. Writes: marker (carrying the audit event), delete, audit, bump (as `deleteComponent`). */
export async function deleteGroup(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.groups.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw new AppError('not_found', 'Component group not found');
  if ((await deps.store.components.list(actor.tenantId)).some((x) => x.groupId === id)) {
    throw new AppError('conflict', 'Move or delete the group’s components first', { field: 'id' });
  }
  const target = { type: 'component_group', id };
  const deleteAudit = auditEventOf(actor, operationId, 'component_group.deleted', target);
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      if (current) await write(() => deps.store.groups.delete(actor.tenantId, id));
      await write(() => audit(deps, actor, operationId, 'component_group.deleted', target));
    },
    { deleteAudit },
  );
}
