import { type ComponentStatus, foldStatusChange } from '@upstate/core';
import type { StoredComponent } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, derivedId, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';
import { assertGroup, type CreateComponentInput } from './create.ts';

export interface UpdateComponentInput extends Partial<CreateComponentInput> {
  /** Clears a hand-set status so monitors drive it again. */
  clearManualStatus?: boolean | undefined;
  /** `false`: a status change reaches the page and no subscriber. */
  notify?: boolean | undefined;
}

/** Only the fields a client sent, so a PATCH never writes back a field it did not name. */
export const sentFields = <T extends object>(input: T): Partial<T> =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * PATCH of a component. Without an expected version the sent fields are applied to the current
 * version (a race reloads and re-applies them, so a concurrent status set by the checker or an
 * incident is kept); with one (If-Match) a stale version is a 409. Writes: marker, component, audit,
 * bump; a stop after the component leaves the marker for the reconciler, and re-applying the same
 * fields on a retry is harmless. A new status is recorded with the change its component notification
 * announces (`statusChange`, in the same put; `notify: false` records one that tells nobody).
 */
export async function updateComponent(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  input: UpdateComponentInput,
  expectedVersion?: number,
): Promise<StoredComponent> {
  const operationId = operationIdOf(actor, deps);
  const { clearManualStatus, notify, ...rest } = input;
  const fields = sentFields(rest);
  await deps.store.components.require(actor.tenantId, id);
  await assertGroup(deps, actor.tenantId, fields.groupId);
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    let before: ComponentStatus | undefined;
    const updated = await retryRaces(
      async () => {
        const current = await deps.store.components.require(actor.tenantId, id);
        assertVersion(current, expectedVersion, 'component');
        before = current.status;
        const statusChange =
          fields.status !== undefined && fields.status !== current.status
            ? foldStatusChange(current.statusChange, {
                id: derivedId(operationId, 'status-change'),
                oldStatus: current.status,
                newStatus: fields.status,
                at: deps.now().toISOString(),
                notify: notify !== false,
              })
            : current.statusChange;
        const next: StoredComponent = {
          ...current,
          ...fields,
          ...(statusChange ? { statusChange } : {}),
          ...(fields.status ? { statusSource: 'manual' as const } : {}),
          ...(clearManualStatus ? { statusSource: 'monitor' as const } : {}),
        };
        try {
          return await write(() => deps.store.components.put(next, current.version));
        } catch (error) {
          throw asIfMatchConflict(error, expectedVersion);
        }
      },
      expectedVersion === undefined ? {} : { attempts: 1 },
    );
    const statusChanged = fields.status !== undefined && fields.status !== before;
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        statusChanged ? 'component.status_changed' : 'component.updated',
        { type: 'component', id },
        fields.status ? { oldStatus: before, newStatus: fields.status } : { fields: Object.keys(fields) },
      ),
    );
    return updated;
  });
}
