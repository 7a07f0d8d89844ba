import { applyMaintenanceAutoTransitions, type IncidentImpact, type Maintenance } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, derivedId, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';
import { validateMaintenance } from './validate.ts';

export interface ScheduleMaintenanceInput {
  name: string;
  impact?: IncidentImpact | undefined;
  componentIds?: string[] | undefined;
  scheduledFor: string;
  scheduledUntil: string;
  autoStart?: boolean | undefined;
  autoComplete?: boolean | undefined;
  body: string;
  /** `false`: the scheduling notice reaches the page and no subscriber. */
  notify?: boolean | undefined;
}

/**
 * Schedules maintenance (already started if its window is open). Validated first. Writes: marker,
 * maintenance (id = operation id), audit, bump. A stop after the maintenance: the reconciler
 * publishes it; a retry under the same Idempotency-Key finds it by id and only finishes.
 */
export async function scheduleMaintenance(
  deps: ServiceDeps,
  actor: Actor,
  input: ScheduleMaintenanceInput,
): Promise<Maintenance> {
  const operationId = operationIdOf(actor, deps);
  const existing = await deps.store.maintenances.get(actor.tenantId, operationId);
  const componentIds = input.componentIds ?? [];
  if (!existing) await validateMaintenance(deps, actor.tenantId, { ...input, componentIds });
  const at = deps.now().toISOString();
  const maintenance =
    existing ??
    applyMaintenanceAutoTransitions(
      {
        id: operationId,
        tenantId: actor.tenantId,
        name: input.name,
        status: 'scheduled',
        impact: input.impact ?? 'minor',
        componentIds,
        scheduledFor: input.scheduledFor,
        scheduledUntil: input.scheduledUntil,
        autoStart: input.autoStart ?? true,
        autoComplete: input.autoComplete ?? true,
        createdAt: at,
        updatedAt: at,
        updates: [
          {
            id: derivedId(operationId, 'update'),
            status: 'scheduled',
            body: input.body,
            displayAt: at,
            createdAt: at,
            author: actor.author,
            ...(input.notify === false ? { notify: false } : {}),
          },
        ],
        version: 1,
      },
      deps.now(),
      input.notify,
    );
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    if (!existing) await write(() => deps.store.maintenances.create(maintenance));
    await write(() =>
      audit(deps, actor, operationId, 'maintenance.created', { type: 'maintenance', id: maintenance.id }),
    );
    return maintenance;
  });
}
