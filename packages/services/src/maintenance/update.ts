import { AppError, applyMaintenanceAutoTransitions, type IncidentImpact, type Maintenance } from '@upstate/core';
import { audit } from '../audit.ts';
import { sentFields } from '../components/update.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';
import { loadMaintenance } from './apply-auto-transitions.ts';
import { validateMaintenance } from './validate.ts';

export interface UpdateMaintenanceInput {
  name?: string | undefined;
  impact?: IncidentImpact | undefined;
  componentIds?: string[] | undefined;
  scheduledFor?: string | undefined;
  scheduledUntil?: string | undefined;
  autoStart?: boolean | undefined;
  autoComplete?: boolean | undefined;
  /** `false`: a start or completion this change brings about reaches the page and no subscriber. */
  notify?: boolean | undefined;
}

/**
 * Reschedules or edits a maintenance: the sent fields applied to the current version (a race
 * reloads and re-applies them), or a 409 on a stale If-Match. Validated (window, components) on
 * every attempt before the write. Writes: marker, maintenance, audit, bump; a retry re-applies the
 * same fields.
 */
export async function updateMaintenance(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  input: UpdateMaintenanceInput,
  expectedVersion?: number,
): Promise<Maintenance> {
  const operationId = operationIdOf(actor, deps);
  const { notify, ...edits } = input;
  const fields = sentFields(edits);
  const attempt = async () => {
    const current = await loadMaintenance(deps, actor.tenantId, id);
    assertVersion(current, expectedVersion, 'maintenance');
    if (current.status === 'completed') {
      throw new AppError('invalid_transition', 'A completed maintenance cannot change', { field: 'status' });
    }
    const next: Maintenance = {
      ...current,
      ...fields,
      updatedAt: deps.now().toISOString(),
      version: current.version + 1,
    };
    await validateMaintenance(deps, actor.tenantId, next);
    const moved = applyMaintenanceAutoTransitions(next, deps.now(), notify);
    return { ...moved, version: next.version };
  };
  await attempt();
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const saved = await retryRaces(
      async () => {
        const next = await attempt();
        try {
          return await write(() => deps.store.maintenances.save(next));
        } catch (error) {
          throw asIfMatchConflict(error, expectedVersion);
        }
      },
      expectedVersion === undefined ? {} : { attempts: 1 },
    );
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'maintenance.updated',
        { type: 'maintenance', id },
        { fields: Object.keys(fields) },
      ),
    );
    return saved;
  });
}
