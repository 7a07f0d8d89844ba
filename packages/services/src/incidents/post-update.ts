import { appendIncidentUpdate, type Incident, type IncidentUpdateInput } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';
import { type AppendOptions, appendToIncident } from './append.ts';

/**
 * Posts an update: a status transition, a body, component statuses. An append: concurrent posters
 * all land (races retried); see `append.ts` for the write order and what a stop after each write leaves.
 * @example await postIncidentUpdate(deps, actor, { incidentId }, { status: 'identified', body: 'Found it' })
 */
export function postIncidentUpdate(
  deps: ServiceDeps,
  actor: Actor,
  options: AppendOptions,
  input: IncidentUpdateInput,
): Promise<Incident> {
  return appendToIncident(
    deps,
    actor,
    options,
    'incident.updated',
    (current, context) => appendIncidentUpdate(current, input, context),
    ({ from, to }) => ({ from, to }),
  );
}
