import { recordingPublishTrigger } from '@upstate/core/testing';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from './checker.ts';
import { fairPool } from './pool.ts';
import { seedNoisyNeighbour, startTarget, type Target } from './testing.ts';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

// Issue 14 item 2: one tenant's hanging monitors must not starve another tenant's checks.
describe('checker fairness between tenants', () => {
  it("checks another tenant's monitor every cadence while one tenant has 200 hanging monitors", async () => {
    // Prepare: 200 overdue monitors that hang for their full 30 s, one other tenant's monitor that is down
    const start = new Date('2026-11-24T10:00:00.000Z');
    let clock = start;
    const { store } = await createTestStore({ now: () => clock });
    const victim = await seedNoisyNeighbour(store, target, { hanging: 200, at: start });
    const budgetMs = 2500;
    const checker = createChecker({
      store,
      publishTrigger: recordingPublishTrigger(),
      allowPrivateTargets: true,
      now: () => clock,
      runBudgetMs: budgetMs,
      log: () => {},
    });
    const runMs: number[] = [];
    // Act: three scheduled runs, one cadence (60 s) apart
    for (let run = 0; run < 3; run++) {
      clock = new Date(start.getTime() + run * 60_000);
      const started = performance.now();
      await checker.runDue();
      runMs.push(performance.now() - started);
    }
    // Assess: the victim was checked in every run, at that run's time (a delay of 0, never a cadence)
    const checks = await store.checks.list('victim', victim.id);
    expect(checks.map((c) => c.at).sort()).toEqual(
      [0, 1, 2].map((r) => new Date(start.getTime() + r * 60_000).toISOString()),
    );
    expect(checks.every((c) => c.result === 'down')).toBe(true);
    expect((await store.components.get('victim', victim.componentId))?.status).toBe('major_outage');
    // Assess: no run outlived its budget by a whole check timeout (the hanging checks are cut at the budget)
    for (const ms of runMs) expect(ms).toBeLessThan(budgetMs + 5000);
  }, 60_000);

  it('gives every free slot to the group with the fewest calls in flight', async () => {
    // Prepare: group a has many slow calls, b and c one each
    const items = [...Array.from({ length: 10 }, (_, i) => `a${i}`), 'b0', 'c0'];
    const started: string[] = [];
    // Act
    await fairPool(
      items,
      (x) => x[0] ?? '',
      3,
      async (x) => {
        started.push(x);
        await new Promise((r) => setTimeout(r, x.startsWith('a') ? 20 : 1));
      },
    );
    // Assess: b and c start in the first wave, not after a's backlog
    expect(started.slice(0, 3).sort()).toEqual(['a0', 'b0', 'c0']);
    expect(started).toHaveLength(12);
  });
});
