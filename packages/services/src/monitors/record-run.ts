import type { CheckResult, Monitor } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/** What one checker run decided for a monitor: its folded state and when it runs next. */
export type MonitorRun = Pick<
  Monitor,
  'nextRunAt' | 'lastResult' | 'consecutiveFailures' | 'consecutiveSuccesses' | 'verdict'
>;

/** The check itself, as the monitor's log keeps it. */
export type CheckRecord = Pick<CheckResult, 'at' | 'result' | 'latencyMs' | 'statusCode' | 'error'>;

/**
 * Records one checker run of a monitor loaded from the due queue (the checker). Returns false, having
 * written nothing, when another run, an edit or a pause got there first.
 *
 * Writes: the run state (conditional on the version and due slot loaded: of overlapping runs one
 * records a slot), then the check result.
 * - A stop after the run state: the slot is spent, so no run records it again; the check log misses
 *   one point and the run's uptime minutes and status verdict are not applied by this process. The
 *   log is informational, the minutes are lost rather than doubled, and the next run of any of the
 *   component's monitors judges from the stored verdicts, this one included.
 * - A stop after the check result: done.
 * Run state is the checker's bookkeeping, not page content, so no content-version bump: a verdict
 * reaches the page through `components/set-automatic-status`.
 */
export async function recordMonitorRun(
  deps: Pick<ServiceDeps, 'store'>,
  loaded: Monitor,
  run: MonitorRun,
  check: CheckRecord,
): Promise<boolean> {
  if (!(await deps.store.monitors.recordRun(loaded, run))) return false;
  await deps.store.checks.record({
    tenantId: loaded.tenantId,
    monitorId: loaded.id,
    componentId: loaded.componentId,
    ...check,
  });
  return true;
}
