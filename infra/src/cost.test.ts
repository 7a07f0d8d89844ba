import { describe, expect, it } from 'vitest';
import { assumptions, monthlyCost, prices, transitionsPerNotify, transitionsPerPublish } from './cost.ts';

// A fixed measurement (what `npm run cost` measures on the stand-ins), so each line's formula is checked exactly.
const measured = {
  msPerTask: { lease: 5, render: 200, sync: 150, invalidate: 20, commit: 60, release: 1 },
  dynamoWrites: 9,
  dynamoReads: 21,
  s3Puts: 17,
  s3Gets: 4,
  invalidationPaths: 1,
  credit: { writes: 7, reads: 4 },
  transitions: 8,
  notify: {
    ranges: 2,
    msPerTask: { collect: 30, page: 400, finish: 5 },
    dynamoWrites: 410,
    dynamoReads: 20,
    s3Gets: 3,
    reminder: { ms: 8, dynamoReads: 1, s3Gets: 1 },
  },
};

describe('cost model', () => {
  it('walks a publish through the deployed definition: lease, render, sync, invalidate, commit and their choices', () => {
    // AcquireLease, LeaseAcquired?, Render, Sync, Invalidate, Commit, ContentMovedOn?, Published.
    expect(transitionsPerPublish()).toBe(8);
  });

  it('bills invalidation paths only past the free 1,000 a month, and one path per domain per publish', () => {
    const line = (t: number) =>
      monthlyCost(measured, [t]).find((l) => l.line === 'CloudFront invalidation paths')?.monthly[t] ?? -1;
    const perTenantPaths = (assumptions.publishesPerDay + 1) * 30 * assumptions.domainsPerTenant;
    // 10 tenants stay inside the free tier; 1,000 pay for what is above it.
    expect(line(1)).toBe(0);
    expect(line(1000)).toBeCloseTo((1000 * perTenantPaths - prices.invalidationFreePaths) * prices.invalidationPerPath);
  });
});

describe('notify cost', () => {
  it('walks a notify run through the deployed definition: collect, the choice, the Map, a range each, finish', () => {
    expect(transitionsPerNotify(1)).toBe(5);
    expect(transitionsPerNotify(3)).toBe(7);
  });

  it('grows the reminder line with tenants and minutes, and the notify lines with subscribers', () => {
    const of = (name: string, t: number) =>
      monthlyCost(measured, [t]).find((l) => l.line.startsWith(name))?.monthly[t] ?? -1;
    const minutes = 30 * 1440;
    expect(of('Reminder schedule', 1000)).toBeGreaterThan(
      1000 * minutes * (prices.s3PerGet + prices.dynamoPerRead) - 1e-9,
    );
    expect(of('Reminder schedule', 10_000)).toBeCloseTo(10 * of('Reminder schedule', 1000));
    const runs = 1000 * assumptions.notifyingEntriesPerDay * 30;
    expect(of('DynamoDB (notify', 1000)).toBeCloseTo(runs * (410 * prices.dynamoPerWrite + 20 * prices.dynamoPerRead));
    expect(of('Step Functions (notify', 1000)).toBeCloseTo(runs * transitionsPerNotify(2) * prices.sfnPerTransition);
  });
});
