import {
  type ComponentStatusRequest,
  type Incident,
  type IncidentStatus,
  reopenIncident as reopenRule,
} from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';
import { type AppendOptions, appendToIncident } from './append.ts';

/** Reopens a resolved incident. An append (races retried); write order and crash behaviour as in `append.ts`. */
export function reopenIncident(
  deps: ServiceDeps,
  actor: Actor,
  options: AppendOptions,
  input: { status?: IncidentStatus; body: string; components?: ComponentStatusRequest[]; notify?: boolean | undefined },
): Promise<Incident> {
  return appendToIncident(
    deps,
    actor,
    options,
    'incident.reopened',
    (current, context) => reopenRule(current, input, context),
    ({ to }) => ({ to }),
  );
}
