import { describe, expect, it } from 'vitest';
import type { DailyRollup } from './schemas.ts';
import { addDays, componentUptime, formatUptime, groupUptime } from './uptime.ts';

const roll = (day: string, minutes: DailyRollup['minutes']): DailyRollup => ({ componentId: 'c', day, minutes });

describe('componentUptime', () => {
  it('weights major 100%, partial 30%, degraded 10% and excludes maintenance (hand-computed)', () => {
    const now = new Date('2026-03-10T23:59:59Z');
    const r = componentUptime(
      [
        roll('2026-03-10', {
          operational: 1000,
          major_outage: 100,
          partial_outage: 200,
          degraded_performance: 100,
          under_maintenance: 40,
        }),
      ],
      { now, days: 1 },
    );
    // observed = 1400 (maintenance excluded); down = 100 + 60 + 10 = 170
    expect(r.days[0]?.uptime).toBeCloseTo(1 - 170 / 1400, 10);
    expect(r.days[0]?.worst).toBe('major_outage');
  });

  it('reports days with no data as null, not 100%, and windows longer than the data use only observed days', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const r = componentUptime([roll('2026-03-09', { operational: 1380, major_outage: 60 })], { now });
    expect(r.days).toHaveLength(90);
    expect(r.days[0]?.uptime).toBeNull();
    expect(r.days.at(-1)?.uptime).toBeNull(); // today: nothing recorded yet
    expect(r.days.at(-2)?.uptime).toBeCloseTo(1 - 60 / 1440, 10);
    expect(r.windows['90d']).toBeCloseTo(1 - 60 / 1440, 10);
    expect(r.windows['7d']).toBe(r.windows['90d']);
  });

  it('is null everywhere for a component with no data at all', () => {
    const r = componentUptime([], { now: new Date('2026-03-10T12:00:00Z') });
    expect(r.windows).toEqual({ '24h': null, '7d': null, '30d': null, '90d': null });
    expect(formatUptime(r.windows['30d'])).toBe('No data');
  });

  it('splits the 24h window at UTC midnight: today plus the remaining share of yesterday', () => {
    // 06:00 UTC: the last 24h = all of today so far (360 min) + the last 18h of yesterday (75%).
    const now = new Date('2026-03-10T06:00:00Z');
    const r = componentUptime(
      [roll('2026-03-09', { operational: 1340, major_outage: 100 }), roll('2026-03-10', { operational: 360 })],
      { now },
    );
    const observed = 360 + 0.75 * 1440;
    expect(r.windows['24h']).toBeCloseTo(1 - (0.75 * 100) / observed, 10);
    // At exactly midnight, yesterday counts in full.
    const midnight = componentUptime([roll('2026-03-09', { operational: 1340, major_outage: 100 })], {
      now: new Date('2026-03-10T00:00:00Z'),
    });
    expect(midnight.windows['24h']).toBeCloseTo(1 - 100 / 1440, 10);
    expect(midnight.days.at(-1)?.day).toBe('2026-03-10');
  });

  it('handles a leap day as an ordinary UTC day', () => {
    const now = new Date('2028-03-01T10:00:00Z');
    const r = componentUptime([roll('2028-02-29', { operational: 1440 - 144, major_outage: 144 })], { now, days: 3 });
    expect(r.days.map((d) => d.day)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(r.days[1]?.uptime).toBeCloseTo(0.9, 10);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
  });

  it('excludes maintenance even when it overlaps an outage on the same day', () => {
    const now = new Date('2026-03-10T23:59:00Z');
    const r = componentUptime([roll('2026-03-10', { under_maintenance: 720, major_outage: 72, operational: 648 })], {
      now,
    });
    // Only the 720 non-maintenance minutes count: 72 of them down.
    expect(r.days.at(-1)?.uptime).toBeCloseTo(0.9, 10);
    const onlyMaintenance = componentUptime([roll('2026-03-10', { under_maintenance: 1440 })], { now });
    expect(onlyMaintenance.days.at(-1)?.uptime).toBeNull();
    expect(onlyMaintenance.days.at(-1)?.worst).toBe('under_maintenance');
  });

  it('ignores rollups before the component start date', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const r = componentUptime([roll('2026-03-01', { major_outage: 1440 }), roll('2026-03-05', { operational: 1440 })], {
      now,
      startDate: '2026-03-04',
    });
    expect(r.windows['30d']).toBe(1);
    expect(r.days.find((d) => d.day === '2026-03-01')?.uptime).toBeNull();
  });

  it('pools children for a group so each weighs by its observed minutes', () => {
    const now = new Date('2026-03-10T23:00:00Z');
    const g = groupUptime(
      [
        { rollups: [roll('2026-03-10', { operational: 1440 })] },
        { rollups: [roll('2026-03-10', { major_outage: 144, operational: 1296 })] },
      ],
      { now },
    );
    expect(g.windows['7d']).toBeCloseTo(1 - 144 / 2880, 10);
  });

  it('formats without rounding up to 100%', () => {
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(1)).toBe('100%');
  });
});
