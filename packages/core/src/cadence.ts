import type { Monitor } from './schemas.ts';

/** Heartbeats are judged every minute whatever their interval, so a miss shows within a minute. */
const heartbeatCadenceSeconds = 60;

/** The time one run of a monitor stands for, credited to its component's rollup. */
export function cadenceSeconds(monitor: Monitor): number {
  return monitor.config.kind === 'heartbeat' ? heartbeatCadenceSeconds : monitor.intervalSeconds;
}
