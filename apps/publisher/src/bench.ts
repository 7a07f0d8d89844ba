// Publishing on the local platform's stand-ins (dynalite, s3rver, aws-local-stepfunctions, the local
// edge), medians of several runs:
// - latency from the API's 2xx to the new HTML being served by the local edge (p50/p95),
// - renders per update under a burst of 50 concurrent updates,
// - the time to re-publish N tenants (as for a theme release; N = 1000 unless `--tenants N`).
// Run: pnpm --filter @upstate/publisher bench   (compiles the default theme if it is out of date)
import { parseArgs } from 'node:util';
import { createApp } from '@upstate/api';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { startS3rver } from '@upstate/aws/testing';
import type { TenantSnapshot } from '@upstate/core';
import { createEdge } from '@upstate/edge';
import { ensureTheme, renderSite } from '@upstate/render';
import { createTestStore } from '@upstate/store/testing';
import { pageChanged, seedTenant, setStatus } from '../test/fixtures.ts';
import { createLocalPublisher } from './local-publisher.ts';

const { values } = parseArgs({
  options: { tenants: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } },
});
const tenantCount = Number(values.tenants);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

await ensureTheme('default');
const s3 = await startS3rver();

async function platform() {
  const { store } = await createTestStore();
  const edge = createEdge({ s3: s3.client, bucket: s3.bucket, store });
  let renders = 0;
  const renderer = (snapshot: TenantSnapshot) => {
    renders++;
    return renderSite(snapshot);
  };
  const publisher = createLocalPublisher({
    store,
    s3: s3.client,
    bucket: s3.bucket,
    invalidator: edge.invalidator,
    renderer,
    log: (message, detail) => {
      if (message.includes('failed')) console.error(message, JSON.stringify(detail));
    },
  });
  return { store, edge, publisher, renders: () => renders };
}

// 1. API 2xx -> new HTML served by the edge.
const p50s: number[] = [];
const p95s: number[] = [];
for (let run = 0; run < runs; run++) {
  const { store, edge, publisher } = await platform();
  const mailer = recordingMailer();
  const app = createApp({
    store,
    publishTrigger: publisher.trigger,
    dnsResolver: { resolveTxt: async () => [] },
    config: { rateLimitPerMinute: 1_000_000 },
    log: () => {},
    mailer,
  });
  const slug = `bench-latency-${run}`;
  const signup = await signUpAndVerify(app, mailer, {
    name: 'Bench',
    slug,
    email: `${slug}@example.com`,
    password: 'correct horse battery',
  });
  const { apiKey } = signup.body as { apiKey: { key: string } };
  const call = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const created = await call('/v1/incidents', { name: 'Bench incident', impact: 'minor', body: 'Looking.' });
  const { id } = (await created.json()) as { id: string };
  await publisher.idle();
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const marker = `benchmarker${run}x${i}`;
    const res = await call(`/v1/incidents/${id}/updates`, { status: 'identified', body: `Fix ${marker} rolling out.` });
    const acknowledged = performance.now();
    if (res.status !== 201) throw new Error(`update answered ${res.status}: ${await res.text()}`);
    for (;;) {
      const page = await edge.fetch(
        new Request(`http://edge.invalid/incidents/${id}/`, { headers: { host: `${slug}.localhost` } }),
      );
      if ((await page.text()).includes(marker)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - acknowledged);
    await publisher.idle();
  }
  p50s.push(quantile(latencies, 0.5));
  p95s.push(quantile(latencies, 0.95));
  publisher.close();
}
console.log(
  `publish latency, API 2xx -> new HTML served by the local edge: p50 ${median(p50s).toFixed(0)} ms, p95 ${median(p95s).toFixed(0)} ms (medians of ${runs} runs x 20 updates)`,
);

// 2. Renders per update under a burst of 50 concurrent updates to one tenant.
const rendersPerBurst: number[] = [];
for (let run = 0; run < runs; run++) {
  const { store, publisher, renders } = await platform();
  const tenantId = `bench-burst-${run}`;
  await seedTenant(store, tenantId, { components: 50 });
  await pageChanged(store, publisher.trigger, tenantId);
  await publisher.idle();
  const before = renders();
  await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      await setStatus(store, tenantId, `cmp-${String(i).padStart(3, '0')}`, 'major_outage');
      await pageChanged(store, publisher.trigger, tenantId);
    }),
  );
  await publisher.idle();
  rendersPerBurst.push(renders() - before);
  publisher.close();
}
console.log(
  `burst of 50 concurrent updates: ${median(rendersPerBurst)} renders (${(median(rendersPerBurst) / 50).toFixed(2)} per update; runs: ${rendersPerBurst.join(', ')})`,
);

// 3. Re-publish many tenants (one run: seeding dominates the setup).
{
  const { store, publisher, renders } = await platform();
  const ids = Array.from({ length: tenantCount }, (_, i) => `bench-fleet-${i}`);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(ids.slice(i, i + 25).map((id) => seedTenant(store, id)));
  }
  const started = performance.now();
  await Promise.all(ids.map((id) => pageChanged(store, publisher.trigger, id)));
  await publisher.idle();
  const seconds = (performance.now() - started) / 1000;
  const failed = publisher.executions().filter((e) => e.status !== 'SUCCEEDED').length;
  console.log(
    `re-publish ${tenantCount} tenants (4 components, 2 incidents each; 8 executions at once, one process): ${seconds.toFixed(1)} s, ${((seconds * 1000) / tenantCount).toFixed(0)} ms per tenant, ${renders()} renders, ${failed} failed (single run)`,
  );
  publisher.close();
}

await s3.close();
process.exit(0);
