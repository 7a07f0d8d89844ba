import { correctIncidentUpdate, type Incident } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';
import { type AppendOptions, appendToIncident } from './append.ts';

/**
 * Corrects an update's text: a new `correction` entry, the original kept. An append (races retried);
 * write order and crash behaviour as in `append.ts`.
 */
export function correctIncident(
  deps: ServiceDeps,
  actor: Actor,
  options: AppendOptions & { updateId: string },
  body: string,
): Promise<Incident> {
  return appendToIncident(
    deps,
    actor,
    options,
    'incident.update_corrected',
    (current, context) => ({
      incident: correctIncidentUpdate(current, options.updateId, body, context),
      changes: [],
    }),
    () => ({ updateId: options.updateId }),
  );
}
