import { type ComponentChange, type CreateIncidentInput, createIncident, type Incident } from '@upstate/core';
import { audit } from '../audit.ts';
import { applyComponentChanges, componentStatuses } from '../components/apply-changes.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, derivedId, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * Opens an incident with its first update and component statuses.
 *
 * Validates everything first (components exist in the tenant, the status is legal). Writes, in order:
 * the in-flight marker; the incident (record of truth, its id is the operation id); its audit event;
 * each component status and its audit event; the content-version bump. A stop after any write:
 * the marker makes the reconciler publish what was stored; a retry under the same Idempotency-Key
 * finds the incident by id, creates nothing new and finishes the remaining writes.
 * @example await openIncident(deps, actor, { name: 'API down', impact: 'major', body: 'Looking' })
 */
export async function openIncident(deps: ServiceDeps, actor: Actor, input: CreateIncidentInput): Promise<Incident> {
  const operationId = operationIdOf(actor, deps);
  const existing = await deps.store.incidents.get(actor.tenantId, operationId);
  const components = await componentStatuses(deps, actor.tenantId);
  let incident: Incident;
  let changes: readonly ComponentChange[];
  if (existing) {
    incident = existing;
    changes = existing.updates[0]?.componentChanges ?? [];
  } else {
    const made = createIncident(actor.tenantId, input, { author: actor.author, now: deps.now(), components });
    const [first, ...rest] = made.incident.updates;
    incident = {
      ...made.incident,
      id: operationId,
      updates: first ? [{ ...first, id: derivedId(operationId, 'update') }, ...rest] : [],
    };
    changes = made.changes;
  }
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    if (!existing) await write(() => deps.store.incidents.create(incident));
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'incident.created',
        { type: 'incident', id: incident.id },
        {
          status: incident.status,
          impact: incident.impact,
        },
      ),
    );
    await applyComponentChanges(deps, actor, operationId, incident.id, changes, write);
    return incident;
  });
}
