import { type ComponentChange, isAppError } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';
import type { Write } from '../page/change.ts';

/**
 * Applies the component statuses an incident entry set, each followed by its audit event. Setting a
 * status is idempotent, so a retry re-applies them safely. A component deleted after validation is
 * skipped: there is nothing left to set, and no audit event claims a change that did not happen.
 */
export async function applyComponentChanges(
  deps: ServiceDeps,
  actor: Actor,
  operationId: string,
  incidentId: string,
  changes: readonly ComponentChange[],
  write: Write,
): Promise<void> {
  for (const change of changes) {
    try {
      await write(() =>
        deps.store.components.setStatus(actor.tenantId, change.componentId, change.newStatus, 'incident'),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'conflict') {
        deps.log('component gone before its status was set', {
          tenantId: actor.tenantId,
          componentId: change.componentId,
        });
        continue;
      }
      throw error;
    }
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'component.status_changed',
        { type: 'component', id: change.componentId },
        { oldStatus: change.oldStatus, newStatus: change.newStatus, incidentId },
      ),
    );
  }
}

/** Current status of every component of the tenant (the pure rules validate references against it). */
export async function componentStatuses(deps: ServiceDeps, tenantId: string) {
  const components = await deps.store.components.list(tenantId);
  return new Map(components.map((c) => [c.id, c.status]));
}
