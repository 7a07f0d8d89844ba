// Latency of the edge for a ~40 KB status page: a cache miss (dynalite routing + S3 GetObject from
// s3rver + brotli) against a cache hit (routing + memory + a stored brotli variant), and a 304.
// Medians over 5 runs of 300 requests each. Run: pnpm --filter @upstate/edge bench
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cacheControl, siteKey } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { newId } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { createEdge } from './edge.ts';

const runs = 5;
const perRun = 300;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const s3 = await startS3rver();
const { store } = await createTestStore();
const tenantId = newId();
await store.tenants.create({
  id: tenantId,
  slug: 'bench',
  name: 'Bench',
  timezone: 'UTC',
  createdAt: new Date().toISOString(),
});
const page = `<!doctype html><title>Bench</title>${'<li class="ok"><span>Nov 1: 100% uptime, no incidents</span></li>'.repeat(600)}`;
await s3.client.send(
  new PutObjectCommand({
    Bucket: s3.bucket,
    Key: siteKey(tenantId, 'index.html'),
    Body: page,
    ContentType: 'text/html; charset=utf-8',
    CacheControl: cacheControl.short,
  }),
);
const edge = createEdge({ s3: s3.client, bucket: s3.bucket, store });
const request = (headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1:8080/', {
    headers: { host: 'bench.localhost:8080', 'accept-encoding': 'br', ...headers },
  });

async function measure(kind: 'miss' | 'hit' | '304'): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  const etag = (await edge.fetch(request())).headers.get('etag') ?? '';
  for (let i = 0; i < perRun; i++) {
    if (kind === 'miss') await edge.invalidator.invalidate(tenantId, ['/index.html']);
    const started = performance.now();
    const res = await edge.fetch(request(kind === '304' ? { 'if-none-match': etag } : {}));
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    if (res.status !== (kind === '304' ? 304 : 200)) throw new Error(`unexpected ${res.status}`);
  }
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

for (const kind of ['miss', 'hit', '304'] as const) {
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { p50, p99 } = await measure(kind);
    p50s.push(p50);
    p99s.push(p99);
  }
  console.log(
    `edge ${kind.padEnd(4)} (${Math.round(page.length / 1024)} KB page, br): p50 ${median(p50s).toFixed(2)} ms, p99 ${median(p99s).toFixed(2)} ms — medians of ${runs} runs × ${perRun}`,
  );
}
await s3.close();
process.exit(0);
