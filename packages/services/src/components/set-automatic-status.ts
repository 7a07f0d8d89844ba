import { type ComponentStatus, foldStatusChange, isAppError, newId } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { changePage } from '../page/change.ts';

export interface AutomaticStatus {
  componentId: string;
  status: ComponentStatus;
  /** The version the checker judged: a person's concurrent change wins, the next run re-evaluates. */
  expectedVersion: number;
}

/**
 * Applies the statuses monitors decided for one tenant's components (the checker). Writes: marker,
 * each status (conditional on the version judged; a lost race is skipped, not retried, since the
 * verdict was about the old state), bump. A stop midway: the marker has the reconciler publish what
 * was set; the next run re-judges the rest. Returns the components changed. Each status write also
 * records the change its component notification announces (`statusChange`, folded as core's
 * `foldStatusChange` says), in the same item, so no announcement names a change that was not stored.
 */
export async function setAutomaticStatuses(
  deps: ServiceDeps,
  tenantId: string,
  statuses: readonly AutomaticStatus[],
): Promise<string[]> {
  if (statuses.length === 0) return [];
  const changed: string[] = [];
  const operationId = newId(deps.now().getTime());
  // The write is conditional on the version judged, so the status read at that version is the old one.
  const current = new Map((await deps.store.components.list(tenantId)).map((c) => [c.id, c]));
  await changePage(deps, tenantId, operationId, async (write) => {
    for (const s of statuses) {
      const before = current.get(s.componentId);
      const change =
        before && before.version === s.expectedVersion && before.status !== s.status
          ? foldStatusChange(before.statusChange, {
              id: newId(deps.now().getTime()),
              oldStatus: before.status,
              newStatus: s.status,
              at: deps.now().toISOString(),
              notify: true,
            })
          : undefined;
      try {
        await write(() =>
          deps.store.components.setStatus(tenantId, s.componentId, s.status, 'monitor', s.expectedVersion, change),
        );
        changed.push(s.componentId);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'conflict')) throw error;
        deps.log('automatic status not applied', { tenantId, componentId: s.componentId, error: String(error) });
      }
    }
  });
  return changed;
}
