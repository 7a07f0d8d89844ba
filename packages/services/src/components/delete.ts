import { notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, assertVersion, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Deletes a component. Writes: marker, delete, audit, bump. A stop after the delete: the reconciler
 * publishes the page without it; the audit event is only written once the delete happened, and a
 * resumed retry that finds it gone only finishes (audit, bump).
 */
export async function deleteComponent(deps: ServiceDeps, actor: Actor, id: string, expectedVersion?: number) {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.components.get(actor.tenantId, id);
  if (!current && !actor.resumed) throw notFound('Component');
  if (current) assertVersion(current, expectedVersion, 'component');
  await changePage(deps, actor.tenantId, operationId, async (write) => {
    if (current) await write(() => deps.store.components.delete(actor.tenantId, id));
    await write(() => audit(deps, actor, operationId, 'component.deleted', { type: 'component', id }));
  });
}
