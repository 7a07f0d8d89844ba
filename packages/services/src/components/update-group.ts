import { AppError } from '@upstate/core';
import type { StoredGroup } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';
import { sentFields } from './update.ts';

/**
 * PATCH of a group: the sent fields applied to the current version (races re-applied), or a 409 on
 * a stale If-Match. Writes: marker, group, audit, bump; a retry re-applies the same fields.
 */
export async function updateGroup(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  input: { name?: string | undefined; description?: string | null | undefined; position?: number | undefined },
  expectedVersion?: number,
): Promise<StoredGroup> {
  const operationId = operationIdOf(actor, deps);
  const fields = sentFields(input);
  const load = async () => {
    const current = await deps.store.groups.get(actor.tenantId, id);
    if (!current) throw new AppError('not_found', 'Component group not found');
    return current;
  };
  await load();
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const updated = await retryRaces(
      async () => {
        const current = await load();
        assertVersion(current, expectedVersion, 'group');
        try {
          return await write(() => deps.store.groups.put({ ...current, ...fields }, current.version));
        } catch (error) {
          throw asIfMatchConflict(error, expectedVersion);
        }
      },
      expectedVersion === undefined ? {} : { attempts: 1 },
    );
    await write(() => audit(deps, actor, operationId, 'component_group.updated', { type: 'component_group', id }));
    return updated;
  });
}
