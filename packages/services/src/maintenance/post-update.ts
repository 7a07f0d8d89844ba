import {
  assertMaintenanceTransition,
  type Maintenance,
  type MaintenanceStatus,
  type MaintenanceUpdate,
} from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, derivedId, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';
import { loadMaintenance } from './apply-auto-transitions.ts';

/**
 * Posts a maintenance update (scheduled → in_progress → verifying → completed). An append:
 * concurrent posters all land (races reload and re-check the transition). Writes: marker, the
 * maintenance with the entry (id derived from the operation id), audit, bump. A stop after the
 * entry: the reconciler publishes it; a retry finds the entry by id and only finishes.
 */
export async function postMaintenanceUpdate(
  deps: ServiceDeps,
  actor: Actor,
  options: { maintenanceId: string; expectedVersion?: number | undefined },
  input: { status: MaintenanceStatus; body: string; notify?: boolean | undefined },
): Promise<Maintenance> {
  const operationId = operationIdOf(actor, deps);
  const entryId = derivedId(operationId, 'update');
  const attempt = async () => {
    const current = await loadMaintenance(deps, actor.tenantId, options.maintenanceId);
    if (current.updates.some((u) => u.id === entryId)) return { next: current, from: current.status, stored: true };
    assertVersion(current, options.expectedVersion, 'maintenance');
    assertMaintenanceTransition(current.status, input.status);
    const at = deps.now().toISOString();
    const entry: MaintenanceUpdate = {
      id: entryId,
      status: input.status,
      body: input.body,
      displayAt: at,
      createdAt: at,
      author: actor.author,
      ...(input.notify === false ? { notify: false } : {}),
    };
    const next: Maintenance = {
      ...current,
      status: input.status,
      updatedAt: at,
      updates: [...current.updates, entry],
      version: current.version + 1,
    };
    return { next, from: current.status, stored: false };
  };
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const result = await retryRaces(
      async () => {
        const r = await attempt();
        if (!r.stored) {
          try {
            await write(() => deps.store.maintenances.save(r.next));
          } catch (error) {
            throw asIfMatchConflict(error, options.expectedVersion);
          }
        }
        return r;
      },
      options.expectedVersion === undefined ? {} : { attempts: 1 },
    );
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'maintenance.updated',
        { type: 'maintenance', id: options.maintenanceId },
        {
          from: result.from,
          to: input.status,
        },
      ),
    );
    return result.next;
  });
}
