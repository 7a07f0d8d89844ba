import type { ComponentStatus, DailyRollup } from './schemas.ts';
import { worstComponentStatus } from './status.ts';

/**
 * How much of a minute in each status counts as downtime. Maintenance minutes are excluded
 * from both sides of the ratio. Published on every status page (see README).
 */
export const downtimeWeights: Record<Exclude<ComponentStatus, 'under_maintenance'>, number> = {
  operational: 0,
  degraded_performance: 0.1,
  partial_outage: 0.3,
  major_outage: 1,
};

export const uptimeWindows = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type UptimeWindow = keyof typeof uptimeWindows;

export interface DayBar {
  day: string;
  /** Fraction 0..1, or null when the day has no data (before the component existed, or no checks). */
  uptime: number | null;
  worst: ComponentStatus | null;
  minutes: Partial<Record<ComponentStatus, number>>;
}

export interface ComponentUptime {
  windows: Record<UptimeWindow, number | null>;
  /** Oldest first, ending today (UTC). */
  days: DayBar[];
}

const dayMs = 86_400_000;

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * dayMs));
}

interface Tally {
  observed: number;
  down: number;
}

function tally(minutes: Partial<Record<ComponentStatus, number>>, scale = 1): Tally {
  let observed = 0;
  let down = 0;
  for (const [status, weight] of Object.entries(downtimeWeights) as [keyof typeof downtimeWeights, number][]) {
    const m = (minutes[status] ?? 0) * scale;
    observed += m;
    down += m * weight;
  }
  return { observed, down };
}

function ratio(t: Tally): number | null {
  return t.observed > 0 ? 1 - t.down / t.observed : null;
}

/**
 * Uptime of one component from its daily rollups.
 * - Day d: 1 − Σ(minutes × weight) / Σ(minutes), maintenance excluded; null if nothing observed.
 * - 7d/30d/90d: the same ratio over the last N UTC days including today (partial) — not an
 *   average of daily percentages, so a short day does not weigh like a full one.
 * - 24h: today's minutes plus yesterday's minutes scaled by the share of yesterday that lies in
 *   the last 24 hours (rollups are per day, so within-day timing is assumed uniform).
 * - Days before `startDate` never count, so a new component shows "no data", not 100%.
 */
export function componentUptime(
  rollups: readonly DailyRollup[],
  options: { now: Date; startDate?: string | null; days?: number },
): ComponentUptime {
  const today = utcDay(options.now);
  const barsCount = options.days ?? 90;
  const byDay = new Map<string, Partial<Record<ComponentStatus, number>>>();
  for (const r of rollups) {
    if (options.startDate && r.day < options.startDate) continue;
    if (r.day > today) continue;
    const existing = byDay.get(r.day) ?? {};
    for (const [status, m] of Object.entries(r.minutes) as [ComponentStatus, number][]) {
      existing[status] = (existing[status] ?? 0) + m;
    }
    byDay.set(r.day, existing);
  }

  const days: DayBar[] = [];
  for (let i = barsCount - 1; i >= 0; i--) {
    const day = addDays(today, -i);
    const minutes = byDay.get(day) ?? {};
    const present = (Object.entries(minutes) as [ComponentStatus, number][]).filter(([, m]) => m > 0);
    days.push({
      day,
      uptime: ratio(tally(minutes)),
      worst: present.length ? worstComponentStatus(present.map(([s]) => s)) : null,
      minutes,
    });
  }

  const windowRatio = (n: number): number | null => {
    const total: Tally = { observed: 0, down: 0 };
    for (let i = 0; i < n; i++) {
      const t = tally(byDay.get(addDays(today, -i)) ?? {});
      total.observed += t.observed;
      total.down += t.down;
    }
    return ratio(total);
  };

  const midnight = Date.parse(`${today}T00:00:00Z`);
  const shareOfYesterday = 1 - (options.now.getTime() - midnight) / dayMs;
  const last24 = tally(byDay.get(today) ?? {});
  const yesterday = tally(byDay.get(addDays(today, -1)) ?? {}, shareOfYesterday);

  return {
    windows: {
      '24h': ratio({ observed: last24.observed + yesterday.observed, down: last24.down + yesterday.down }),
      '7d': windowRatio(7),
      '30d': windowRatio(30),
      '90d': windowRatio(90),
    },
    days,
  };
}

/** A group's uptime: its children's minutes pooled, so each child weighs by its observed time. */
export function groupUptime(
  children: readonly { rollups: readonly DailyRollup[]; startDate?: string | null }[],
  options: { now: Date; days?: number },
): ComponentUptime {
  const pooled: DailyRollup[] = [];
  for (const child of children) {
    for (const r of child.rollups) {
      if (child.startDate && r.day < child.startDate) continue;
      pooled.push(r);
    }
  }
  return componentUptime(pooled, options);
}

/** "99.95%"-style text with no false precision; "No data" for null. */
export function formatUptime(value: number | null): string {
  if (value === null) return 'No data';
  const pct = value * 100;
  if (pct === 100) return '100%';
  return `${(Math.floor(pct * 100) / 100).toFixed(2)}%`;
}
