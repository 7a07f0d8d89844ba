// Fairness between tenants: how long one tenant's down monitor waits for its check while another
// tenant has N monitors aimed at a target that never answers (all overdue, 30 s timeouts), with the
// production slot count (32) and run budget (20 s). Medians of 5 scheduled runs per N.
// Run: pnpm --filter @upstate/checker bench   (HANGING=0,200,1000 by default; BUDGET_MS=20000)
import { recordingPublishTrigger } from '@upstate/core/testing';
import { createTestStore } from '@upstate/store/testing';
import { createChecker } from './checker.ts';
import { seedNoisyNeighbour, startTarget } from './testing.ts';

const hangingCounts = (process.env.HANGING ?? '0,200,1000').split(',').map(Number);
const budgetMs = Number(process.env.BUDGET_MS ?? 20_000);
const runs = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

for (const hanging of hangingCounts) {
  const target = await startTarget();
  const start = new Date('2026-11-24T10:00:00.000Z');
  let clock = start;
  const { store } = await createTestStore({ now: () => clock });
  const victim = await seedNoisyNeighbour(store, target, { hanging, at: start });
  const checker = createChecker({
    store,
    publishTrigger: recordingPublishTrigger(),
    allowPrivateTargets: true,
    now: () => clock,
    runBudgetMs: budgetMs,
    log: () => {},
  });
  const delays: number[] = [];
  const durations: number[] = [];
  let missed = 0;
  for (let run = 0; run < runs; run++) {
    clock = new Date(start.getTime() + run * 60_000);
    const seen = target.requests.length;
    const started = performance.now();
    await checker.runDue();
    durations.push(performance.now() - started);
    const hit = target.requests.slice(seen).find((r) => r.path === '/victim');
    if (hit) delays.push(hit.receivedAt - started);
    else missed++;
  }
  const checks = await store.checks.list('victim', victim.id);
  console.log(
    `${String(hanging).padStart(5)} hanging monitors of another tenant: victim checked in ${runs - missed}/${runs} runs ` +
      `(${checks.length} results), detection ${median(delays).toFixed(0)} ms after the run starts, ` +
      `run ${median(durations).toFixed(0)} ms (budget ${budgetMs} ms); medians of ${runs} runs`,
  );
  await target.close();
}
process.exit(0);
