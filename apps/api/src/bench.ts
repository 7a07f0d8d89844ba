// p50/p99 latency of "post an incident update" through the full app (auth, rate limit,
// idempotency-free path, conditional write, audit, contentVersion bump) against dynalite.
// Medians over 5 runs of 200 updates each. Run: pnpm --filter @upstate/api bench
import { createTestApp } from './testing.ts';

const runs = 5;
const perRun = 200;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const p50s: number[] = [];
const p99s: number[] = [];
for (let run = 0; run < runs; run++) {
  const t = await createTestApp({ config: { rateLimitPerMinute: 1_000_000 } });
  const tenant = await t.signup(`bench-${run}`);
  const incident = (await (
    await t.call(tenant, 'POST', '/v1/incidents', { name: 'Bench', impact: 'minor', body: 'start' })
  ).json()) as { id: string };
  const latencies: number[] = [];
  for (let i = 0; i < perRun; i++) {
    const started = performance.now();
    const res = await t.call(tenant, 'POST', `/v1/incidents/${incident.id}/updates`, {
      status: i % 2 ? 'identified' : 'investigating',
      body: `Update ${i}: still looking.`,
    });
    latencies.push(performance.now() - started);
    if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
  }
  latencies.sort((a, b) => a - b);
  p50s.push(quantile(latencies, 0.5));
  p99s.push(quantile(latencies, 0.99));
}
console.log(
  `post an incident update (dynalite): p50 ${median(p50s).toFixed(1)} ms, p99 ${median(p99s).toFixed(1)} ms — medians of ${runs} runs × ${perRun}`,
);
process.exit(0);
