import type { ComponentChange, Incident, IncidentStatus, UpdateContext } from '@upstate/core';
import { audit } from '../audit.ts';
import { applyComponentChanges, componentStatuses } from '../components/apply-changes.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, derivedId, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';

export interface AppendOptions {
  incidentId: string;
  /** From If-Match: refuse (409) if the incident is at another version. Without it, races are retried. */
  expectedVersion?: number;
}

/**
 * What every incident append shares (update, resolve, reopen, correction).
 *
 * Load, apply the pure rule, validate (transition, components of this tenant) — all before the first
 * write. Writes, in order: the in-flight marker; the incident with the new entry (one conditional
 * update conditional on what the rule read; a lost race reloads and re-applies the rule, bounded,
 * with jitter); its audit
 * event; component statuses with theirs; the content-version bump. A stop after any write: the marker
 * has the reconciler publish it; a retry under the same Idempotency-Key finds its entry by id (derived
 * from the operation id) and only finishes the writes after it, so the timeline holds it once.
 */
export async function appendToIncident(
  deps: ServiceDeps,
  actor: Actor,
  options: AppendOptions,
  action: string,
  rule: (current: Incident, context: UpdateContext) => { incident: Incident; changes: ComponentChange[] },
  detail: (change: { from: IncidentStatus; to: IncidentStatus }) => Record<string, unknown>,
): Promise<Incident> {
  const operationId = operationIdOf(actor, deps);
  const entryId = derivedId(operationId, 'update');
  const { tenantId } = actor;
  const attempt = async () => {
    const current = await deps.store.incidents.require(tenantId, options.incidentId);
    const index = current.updates.findIndex((u) => u.id === entryId);
    if (index >= 0) {
      const entry = current.updates[index];
      return {
        loaded: current,
        incident: current,
        changes: entry?.componentChanges ?? [],
        from: statusBefore(current, index),
        stored: true,
      };
    }
    assertVersion(current, options.expectedVersion, 'incident');
    const made = rule(current, {
      author: actor.author,
      now: deps.now(),
      components: await componentStatuses(deps, tenantId),
    });
    const updates = made.incident.updates.map((u, i) =>
      i === made.incident.updates.length - 1 ? { ...u, id: entryId } : u,
    );
    return {
      loaded: current,
      incident: { ...made.incident, updates },
      changes: made.changes,
      from: current.status,
      stored: false,
    };
  };
  return changePage(deps, tenantId, operationId, async (write) => {
    const result = await retryRaces(
      async () => {
        const next = await attempt();
        if (next.stored) return next;
        try {
          const incident = await write(() =>
            deps.store.incidents.append(next.loaded, next.incident, options.expectedVersion),
          );
          return { ...next, incident };
        } catch (error) {
          throw asIfMatchConflict(error, options.expectedVersion);
        }
      },
      options.expectedVersion === undefined ? {} : { attempts: 1 },
    );
    const { incident } = result;
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        action,
        { type: 'incident', id: incident.id },
        detail({ from: result.from, to: incident.updates.find((u) => u.id === entryId)?.status ?? incident.status }),
      ),
    );
    await applyComponentChanges(deps, actor, operationId, incident.id, result.changes, write);
    return incident;
  });
}

function statusBefore(incident: Incident, index: number): IncidentStatus {
  for (let i = index - 1; i >= 0; i--) {
    const entry = incident.updates[i];
    if (entry?.kind === 'update') return entry.status;
  }
  return incident.status;
}
