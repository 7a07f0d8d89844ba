import { type ComponentStatusRequest, type Incident, resolveIncident as resolveRule } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';
import { type AppendOptions, appendToIncident } from './append.ts';

/**
 * Resolves an incident; affected components return to operational unless listed. An append (races
 * retried); write order and crash behaviour as in `append.ts`.
 */
export function resolveIncident(
  deps: ServiceDeps,
  actor: Actor,
  options: AppendOptions,
  input: { body?: string; components?: ComponentStatusRequest[]; notify?: boolean | undefined },
): Promise<Incident> {
  return appendToIncident(
    deps,
    actor,
    options,
    'incident.resolved',
    (current, context) => resolveRule(current, input, context),
    ({ from }) => ({ from }),
  );
}
