import type { StoredGroup } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Creates a component group. Writes: marker, group (id = operation id), audit, bump. A stop after
 * the group: the reconciler publishes it; a retry finds it by id and only finishes.
 */
export async function createGroup(
  deps: ServiceDeps,
  actor: Actor,
  input: { name: string; description?: string | null | undefined; position?: number | undefined },
): Promise<StoredGroup> {
  const operationId = operationIdOf(actor, deps);
  const existing = await deps.store.groups.get(actor.tenantId, operationId);
  const at = deps.now().toISOString();
  const count = existing ? 0 : (await deps.store.groups.list(actor.tenantId)).length;
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const group =
      existing ??
      (await write(() =>
        deps.store.groups.create({
          id: operationId,
          tenantId: actor.tenantId,
          name: input.name,
          description: input.description ?? null,
          position: input.position ?? count,
          createdAt: at,
          updatedAt: at,
        }),
      ));
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'component_group.created',
        { type: 'component_group', id: group.id },
        {
          name: group.name,
        },
      ),
    );
    return group;
  });
}
