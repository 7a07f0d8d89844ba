import { AppError } from '@upstate/core';
import type { StoredComponent } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';

function checkIds(ids: string[] | undefined, known: { id: string }[], field: string) {
  if (!ids) return;
  const set = new Set(known.map((k) => k.id));
  ids.forEach((id, i) => {
    if (!set.has(id)) throw new AppError('validation_failed', `Unknown id ${id}`, { field: `${field}.${i}` });
  });
  if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'Duplicate ids', { field });
}

/**
 * Reorders components and groups (ids in page order). Validated in full before any write. Writes:
 * marker, one position per moved item (each re-read on a race, so only `position` changes), audit,
 * bump. A stop midway leaves a partly applied order that the reconciler publishes; the retry applies
 * the rest (positions are absolute, so re-applying is harmless).
 */
export async function reorderComponents(
  deps: ServiceDeps,
  actor: Actor,
  input: { components?: string[] | undefined; groups?: string[] | undefined },
): Promise<StoredComponent[]> {
  const { tenantId } = actor;
  const operationId = operationIdOf(actor, deps);
  const [components, groups] = await Promise.all([
    deps.store.components.list(tenantId),
    deps.store.groups.list(tenantId),
  ]);
  checkIds(input.components, components, 'components');
  checkIds(input.groups, groups, 'groups');
  await changePage(deps, tenantId, operationId, async (write) => {
    for (const [position, id] of (input.components ?? []).entries()) {
      await retryRaces(async () => {
        const current = await deps.store.components.get(tenantId, id);
        if (current && current.position !== position) {
          await write(() => deps.store.components.put({ ...current, position }, current.version));
        }
      });
    }
    for (const [position, id] of (input.groups ?? []).entries()) {
      await retryRaces(async () => {
        const current = await deps.store.groups.get(tenantId, id);
        if (current && current.position !== position) {
          await write(() => deps.store.groups.put({ ...current, position }, current.version));
        }
      });
    }
    await write(() => audit(deps, actor, operationId, 'component.reordered', { type: 'tenant', id: tenantId }));
  });
  return deps.store.components.list(tenantId);
}
