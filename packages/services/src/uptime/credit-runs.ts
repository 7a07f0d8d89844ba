import { type ComponentStatus, cadenceSeconds, type Monitor, utcDay } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export interface RecordedRun {
  monitor: Monitor;
  /** The component's status the page shows for this run (maintenance unless an outage outranks it). */
  status: ComponentStatus;
  /** Unpaused monitors of the component: together they cover its time once. */
  componentMonitors: number;
}

/**
 * Adds the uptime minutes of one tenant's recorded monitor runs to the day's rollups (the checker,
 * after `monitors/record-run` and the automatic status). Each run covers its cadence; with k
 * monitors a component's time is counted once, and runs of one component in one status make one
 * write. Returns the minutes added.
 *
 * Writes: one atomic `ADD` per component and status. A stop after some of them: the rest of this
 * run's minutes are lost, never counted twice, because each run's slot was spent by `record-run`
 * before, so no later run credits it again. Rollups reach the page with its next publish (the
 * rollover, a status change), so no content-version bump.
 */
export async function creditMonitorRuns(
  deps: Pick<ServiceDeps, 'store'>,
  tenantId: string,
  at: Date,
  runs: readonly RecordedRun[],
): Promise<number> {
  const day = utcDay(at);
  const credit = new Map<string, { componentId: string; status: ComponentStatus; minutes: number }>();
  for (const r of runs) {
    const componentId = r.monitor.componentId;
    const key = `${componentId}|${r.status}`;
    const entry = credit.get(key) ?? { componentId, status: r.status, minutes: 0 };
    entry.minutes += cadenceSeconds(r.monitor) / 60 / Math.max(1, r.componentMonitors);
    credit.set(key, entry);
  }
  let added = 0;
  for (const c of credit.values()) {
    await deps.store.rollups.addMinutes(tenantId, c.componentId, day, c.status, c.minutes);
    added += c.minutes;
  }
  return added;
}
