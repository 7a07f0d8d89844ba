import type { Component, ComponentStatus, Monitor } from '@upstate/core';
import { worstComponentStatus } from '@upstate/core';

export type Verdict = NonNullable<Monitor['verdict']>;
export type RunState = Pick<Monitor, 'lastResult' | 'consecutiveFailures' | 'consecutiveSuccesses' | 'verdict'>;

/**
 * Folds one check result into a monitor's state, with hysteresis:
 * - `failureThreshold` (N) consecutive `down` results → major_outage;
 * - a slow (`degraded`) result moves an operational monitor to degraded_performance at once;
 * - `recoveryThreshold` (M) consecutive results that are better than the verdict recover it:
 *   from major_outage any non-down result counts (ending degraded if the last was slow),
 *   from degraded_performance only fast `up` results count.
 */
export function foldResult(
  state: RunState,
  result: 'up' | 'degraded' | 'down',
  thresholds: { failureThreshold: number; recoveryThreshold: number },
): RunState {
  let verdict: Verdict = state.verdict ?? 'operational';
  let failures = state.consecutiveFailures;
  let successes = state.consecutiveSuccesses;
  if (result === 'down') {
    failures += 1;
    successes = 0;
    if (failures >= thresholds.failureThreshold) verdict = 'major_outage';
  } else {
    failures = 0;
    if (verdict === 'major_outage') {
      successes += 1;
      if (successes >= thresholds.recoveryThreshold) {
        verdict = result === 'up' ? 'operational' : 'degraded_performance';
        successes = result === 'up' ? successes : 0;
      }
    } else if (result === 'degraded') {
      verdict = 'degraded_performance';
      successes = 0;
    } else {
      successes += 1;
      if (verdict === 'degraded_performance' && successes >= thresholds.recoveryThreshold) verdict = 'operational';
    }
  }
  return { lastResult: result, consecutiveFailures: failures, consecutiveSuccesses: successes, verdict };
}

/** What the monitors of one component say together: the worst verdict, or null with none reporting. */
export function monitorsStatus(verdicts: readonly Verdict[]): ComponentStatus | null {
  return verdicts.length ? worstComponentStatus(verdicts) : null;
}

/**
 * Whether monitors may move a component from its status to `target` now. A status set by hand holds
 * until cleared; one set by an incident holds while an unresolved incident lists the component.
 * During planned maintenance monitors may only improve the status: the planned downtime is not an
 * outage (its minutes leave uptime instead), but a recovery must not wait for the window to end.
 */
export function monitorsMayChange(
  component: Pick<Component, 'id' | 'status' | 'statusSource'>,
  target: ComponentStatus,
  context: { openIncidentComponentIds: ReadonlySet<string>; inMaintenance: boolean },
): boolean {
  if (component.statusSource === 'manual') return false;
  if (component.statusSource === 'incident' && context.openIncidentComponentIds.has(component.id)) return false;
  const worse = target !== component.status && worstComponentStatus([target, component.status]) === target;
  return !(context.inMaintenance && worse);
}
