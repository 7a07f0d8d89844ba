import { AppError, type ImportJob } from '@upstate/core';
import { recordedSource, statuspageRecording } from '@upstate/services/imports/recording';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from '../testing.ts';

// POST /v1/imports against a recorded page: the job runs in this process, as on the local platform.

const recording = statuspageRecording({ incidents: 30, maintenances: 2, seed: 9 });
const vetted: string[] = [];
let t: Awaited<ReturnType<typeof createTestApp>>;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  t = await createTestApp({
    imports: {
      async vet(root) {
        vetted.push(root);
        if (root.includes('internal')) throw new AppError('source_refused', 'resolves to 10.0.0.5', { field: 'url' });
      },
      source: (root) => recordedSource(root, recording),
    },
  });
  acme = await t.signup('import-acme');
  other = await t.signup('import-other');
});

async function until(tenant: TestTenant, id: string, done: (job: ImportJob) => boolean): Promise<ImportJob> {
  for (let i = 0; i < 200; i++) {
    const job = (await (await t.call(tenant, 'GET', `/v1/imports/${id}`)).json()) as ImportJob;
    if (done(job)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

describe('POST /v1/imports', () => {
  it('answers 202 with a queued job, then the job completes with counts', async () => {
    const res = await t.call(acme, 'POST', '/v1/imports', { url: 'https://status.acme-cloud.example/history' });
    expect(res.status).toBe(202);
    const queued = (await res.json()) as ImportJob;
    expect(queued).toMatchObject({
      status: 'queued',
      source: { system: 'statuspage', url: 'https://status.acme-cloud.example' },
    });
    expect(vetted).toContain('https://status.acme-cloud.example');

    const job = await until(acme, queued.id, (j) => j.status === 'completed' || j.status === 'failed');
    expect(job).toMatchObject({ status: 'completed', counts: { incidents: 30, maintenances: 2, created: 46 } });
    const incidents = (await (await t.call(acme, 'GET', '/v1/incidents?limit=100')).json()) as { data: unknown[] };
    expect(incidents.data).toHaveLength(30);
    expect(t.publishTrigger.calls.some((c) => c.tenantId === acme.tenantId)).toBe(true);

    const list = (await (await t.call(acme, 'GET', '/v1/imports')).json()) as { data: ImportJob[] };
    expect(list.data.map((j) => j.id)).toContain(queued.id);
  });

  it('keeps jobs to their tenant', async () => {
    const list = (await (await t.call(acme, 'GET', '/v1/imports')).json()) as { data: ImportJob[] };
    const id = list.data[0]?.id ?? '';
    expect((await t.call(other, 'GET', `/v1/imports/${id}`)).status).toBe(404);
    expect(((await (await t.call(other, 'GET', '/v1/imports')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it.each([
    [{ url: 'http://status.acme-cloud.example' }, 400, 'source_refused', 'url'],
    [{ url: 'https://10.0.0.5' }, 400, 'source_refused', 'url'],
    [{ url: 'https://status.internal.example' }, 400, 'source_refused', 'url'],
    [{ url: 'nope' }, 400, 'validation_failed', 'url'],
    [{ url: 'https://status.acme-cloud.example', managementApiKey: 'k' }, 400, 'validation_failed', 'managementApiKey'],
    [{ url: 'https://status.acme-cloud.example', extra: 1 }, 400, 'unknown_field', undefined],
  ])('refuses %j with %i %s', async (body, status, code, field) => {
    const before = ((await (await t.call(acme, 'GET', '/v1/imports')).json()) as { data: unknown[] }).data.length;
    const res = await t.call(acme, 'POST', '/v1/imports', body);
    expect(res.status).toBe(status);
    const error = ((await res.json()) as { error: { code: string; field?: string } }).error;
    expect(error.code).toBe(code);
    if (field) expect(error.field).toBe(field);
    // No job was queued.
    expect(((await (await t.call(acme, 'GET', '/v1/imports')).json()) as { data: unknown[] }).data).toHaveLength(
      before,
    );
  });

  it('needs the admin scope', async () => {
    const key = (await (await t.call(acme, 'POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })).json()) as {
      key: string;
    };
    const res = await t.app.request('/v1/imports', {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://status.acme-cloud.example' }),
    });
    expect(res.status).toBe(403);
  });
});
