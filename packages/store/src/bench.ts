// Throughput baseline of put / get / query on dynalite (the local stand-in), medians of 5 runs.
// Run with `pnpm --filter @upstate/store bench`.
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { createTestStore } from './testing.ts';

const runs = 5;
const n = 300;
const fixture = fixtureSnapshot();
const base = fixture.incidents[0];
if (!base) throw new Error('fixture');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const results: Record<string, number[]> = { put: [], get: [], query: [] };
for (let run = 0; run < runs; run++) {
  const { store } = await createTestStore();
  let t = performance.now();
  for (let i = 0; i < n; i++)
    await store.incidents.create({ ...base, id: `inc-${String(i).padStart(5, '0')}`, tenantId: 't1' });
  results.put?.push((n / (performance.now() - t)) * 1000);
  t = performance.now();
  for (let i = 0; i < n; i++) await store.incidents.get('t1', `inc-${String(i).padStart(5, '0')}`);
  results.get?.push((n / (performance.now() - t)) * 1000);
  t = performance.now();
  for (let i = 0; i < n / 10; i++) await store.incidents.list('t1', { limit: 25 });
  results.query?.push((n / 10 / (performance.now() - t)) * 1000);
}
for (const [op, values] of Object.entries(results)) {
  console.log(
    `${op.padEnd(6)} ${median(values).toFixed(0).padStart(6)} ops/s (median of ${runs} runs; ${op === 'query' ? '25-item pages' : 'one incident item'})`,
  );
}
process.exit(0);
