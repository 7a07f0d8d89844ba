import { describe, expect, it } from 'vitest';
import { assumptions, monthlyCost, prices, transitionsPerPublish } from './cost.ts';

describe('cost model', () => {
  it('walks a publish through the deployed definition: lease, render, sync, invalidate, commit and their choices', () => {
    // AcquireLease, LeaseAcquired?, Render, Sync, Invalidate, Commit, ContentMovedOn?, Published.
    expect(transitionsPerPublish()).toBe(8);
  });

  it('bills invalidation paths only past the free 1,000 a month, and one path per domain per publish', () => {
    const measured = {
      msPerTask: { lease: 5, render: 200, sync: 150, invalidate: 20, commit: 60, release: 1 },
      dynamoWrites: 9,
      dynamoReads: 21,
      s3Puts: 17,
      s3Gets: 4,
      invalidationPaths: 1,
      credit: { writes: 7, reads: 4 },
      transitions: 8,
    };
    const line = (t: number) =>
      monthlyCost(measured, [t]).find((l) => l.line === 'CloudFront invalidation paths')?.monthly[t] ?? -1;
    const perTenantPaths = (assumptions.publishesPerDay + 1) * 30 * assumptions.domainsPerTenant;
    // 10 tenants stay inside the free tier; 1,000 pay for what is above it.
    expect(line(1)).toBe(0);
    expect(line(1000)).toBeCloseTo((1000 * perTenantPaths - prices.invalidationFreePaths) * prices.invalidationPerPath);
  });
});
