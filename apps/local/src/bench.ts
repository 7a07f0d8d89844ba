// The append burst of issue 13, through the HTTP API of the local platform (dynalite, s3rver,
// aws-local-stepfunctions, the local edge): 50 concurrent `POST /v1/incidents/{id}/updates` to one
// open incident, with no version, as an alerting integration, a chat bot and a person post at once.
// Per run: the status codes (expect 50 × 201), whether all 50 reach the public incident page and
// /api/v2/incidents.json, the renders the burst caused (expect ≤ 3), and the publish latency of each
// update (its 201 → the edge serving a page that shows it), p50/p95. Medians of 3 runs.
// Run: pnpm --filter @upstate/local bench   (or `pnpm bench` at the root, with every other bench)
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSite } from '@upstate/render';
import { startPlatform } from './platform.ts';
import { freePort } from './ports.ts';

const runs = 3;
const burst = 50;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

interface Run {
  created: number;
  onPage: number;
  inV2: number;
  renders: number;
  p50: number;
  p95: number;
  burstMs: number;
}

async function once(run: number): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'upstate-bench-'));
  let renders = 0;
  const [api, edge] = [await freePort(), await freePort()];
  const platform = await startPlatform({
    dataDir,
    ports: { api, edge },
    seed: false,
    quiet: true,
    timers: { checkMs: 3_600_000, reconcileMs: 3_600_000, rolloverMs: 3_600_000 },
    renderer: (snapshot) => {
      renders++;
      return renderSite(snapshot);
    },
  });
  try {
    // Node does not resolve *.localhost: loopback plus the tenant's Host header.
    const apiBase = `http://127.0.0.1:${api}`;
    const slug = `burst-${run}`;
    const signup = await fetch(`${apiBase}/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Burst', slug, email: `${slug}@example.com`, password: 'correct horse battery' }),
    });
    if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
    const { apiKey } = (await signup.json()) as { apiKey: { key: string } };
    const post = (path: string, body: unknown) =>
      fetch(`${apiBase}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // fetch() will not send a Host header of our choosing; node:http does.
    const page = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: edge, path, headers: { host: `${slug}.localhost:${edge}` } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : ''));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const opened = await post('/v1/incidents', { name: 'Outage', impact: 'major', body: 'Looking into it.' });
    const { id } = (await opened.json()) as { id: string };
    await platform.idle();
    const rendersBefore = renders;

    const markers = Array.from({ length: burst }, (_, i) => `burstmarker${run}x${i}`);
    const acked = new Map<string, number>();
    const seen = new Map<string, number>();
    const started = performance.now();
    const answers = markers.map(async (marker) => {
      const res = await post(`/v1/incidents/${id}/updates`, { status: 'identified', body: `Still on it (${marker}).` });
      acked.set(marker, performance.now());
      await res.arrayBuffer();
      return res.status;
    });
    // Watch the public page while the burst lands: each marker's first appearance after its 201.
    let statuses: number[] | undefined;
    void Promise.all(answers).then((s) => {
      statuses = s;
    });
    const deadline = performance.now() + 60_000;
    while (seen.size < burst && performance.now() < deadline) {
      const html = await page(`/incidents/${id}/`);
      const at = performance.now();
      for (const m of markers) if (!seen.has(m) && acked.has(m) && html.includes(m)) seen.set(m, at);
      await new Promise((r) => setTimeout(r, 5));
    }
    const burstMs = performance.now() - started;
    await Promise.all(answers);
    await platform.idle();
    const html = await page(`/incidents/${id}/`);
    const v2 = await page('/api/v2/incidents.json');
    const latencies = markers.filter((m) => seen.has(m)).map((m) => (seen.get(m) ?? 0) - (acked.get(m) ?? 0));
    return {
      created: (statuses ?? []).filter((s) => s === 201).length,
      onPage: markers.filter((m) => html.includes(m)).length,
      inV2: markers.filter((m) => v2.includes(m)).length,
      renders: renders - rendersBefore,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      burstMs,
    };
  } finally {
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let run = 0; run < runs; run++) {
  const r = await once(run);
  results.push(r);
  console.log(
    `run ${run + 1}: ${r.created}/${burst} × 201, ${r.onPage}/${burst} on the page, ${r.inV2}/${burst} in v2 JSON, ${r.renders} renders, publish latency p50 ${r.p50.toFixed(0)} ms p95 ${r.p95.toFixed(0)} ms, all visible after ${r.burstMs.toFixed(0)} ms`,
  );
}
const m = (f: (r: Run) => number) => median(results.map(f));
console.log(
  `burst of ${burst} concurrent appends through the HTTP API (medians of ${runs} runs): ${m((r) => r.created)} × 201, ${m((r) => r.onPage)} on the page, ${m((r) => r.inV2)} in /api/v2/incidents.json, ${m((r) => r.renders)} renders; publish latency p50 ${m((r) => r.p50).toFixed(0)} ms, p95 ${m((r) => r.p95).toFixed(0)} ms`,
);
const ok = results.every((r) => r.created === burst && r.onPage === burst && r.inV2 === burst && r.renders <= 3);
process.exit(ok ? 0 : 1);
