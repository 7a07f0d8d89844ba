import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
let componentId = '';

const json = async (res: Response) => (await res.json()) as Record<string, any>;
const httpMonitor = (headers: Record<string, string>) => ({
  componentId,
  name: 'API health',
  config: {
    kind: 'http',
    url: 'https://api.example.com/health',
    method: 'GET',
    expectedStatus: { min: 200, max: 299 },
    keyword: null,
    timeoutMs: 5000,
    followRedirects: false,
    headers,
    degradedThresholdMs: 2000,
  },
});

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('monitors');
  componentId = (await json(await t.call(tenant, 'POST', '/v1/components', { name: 'API' }))).id;
});

// Issue 14 item 9: a header value that cannot be sent is refused where it comes in.
describe('monitor header values', () => {
  for (const [name, value] of [
    ['CR LF', 'ok\r\nX-Injected: 1'],
    ['a bare LF', 'ok\nmore'],
    ['a bare CR', 'ok\rmore'],
    ['NUL', 'ok\u0000'],
    ['a character past Latin-1', 'tok€n'],
  ] as const) {
    it(`refuses ${name} with 400 naming the header, and saves nothing`, async () => {
      // Act
      const res = await t.call(tenant, 'POST', '/v1/monitors', httpMonitor({ 'X-Token': value }));
      // Assess
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatchObject({ code: 'validation_failed', field: 'config.headers.X-Token' });
      expect(await t.store.monitors.list(tenant.tenantId)).toEqual([]);
    });
  }

  it('refuses the same on a PATCH, and accepts ordinary values with tabs and spaces', async () => {
    const created = await t.call(tenant, 'POST', '/v1/monitors', httpMonitor({ Authorization: 'Bearer a\tb c' }));
    expect(created.status).toBe(201);
    const { id, config } = await json(created);
    const patched = await t.call(tenant, 'PATCH', `/v1/monitors/${id}`, {
      config: { ...config, headers: { 'X-Token': 'a\r\nb' } },
    });
    expect(patched.status).toBe(400);
    expect((await json(patched)).error.field).toBe('config.headers.X-Token');
    await t.call(tenant, 'DELETE', `/v1/monitors/${id}`);
  });
});

// Issue 14 item 2: monitors are capped per tenant, so no tenant can flood the checker's slots.
describe('the per-tenant monitor cap', () => {
  it('answers 422 quota_exceeded at the cap, writes nothing, and frees a place on delete', async () => {
    // Prepare: an app with a cap of 2
    const capped = await createTestApp({ config: { monitorsPerTenant: 2 } });
    const owner = await capped.signup('capped');
    const component = (await json(await capped.call(owner, 'POST', '/v1/components', { name: 'API' }))).id;
    const heartbeat = { componentId: component, name: 'job', config: { kind: 'heartbeat', graceSeconds: 60 } };
    const first = await json(await capped.call(owner, 'POST', '/v1/monitors', heartbeat));
    expect((await capped.call(owner, 'POST', '/v1/monitors', heartbeat)).status).toBe(201);
    // Act
    const third = await capped.call(owner, 'POST', '/v1/monitors', heartbeat);
    // Assess
    expect(third.status).toBe(422);
    const { error } = await json(third);
    expect(error).toMatchObject({ code: 'quota_exceeded', field: 'componentId' });
    expect(error.message).toContain('at most 2 monitors');
    expect(await capped.store.monitors.list(owner.tenantId)).toHaveLength(2);
    expect((await capped.call(owner, 'DELETE', `/v1/monitors/${first.id}`)).status).toBe(204);
    expect((await capped.call(owner, 'POST', '/v1/monitors', heartbeat)).status).toBe(201);
  });
});

// Issue 14 item 12 (API side): the heartbeat token is a secret; it may travel in a header, and the
// API's own logs name the route template, never a path that holds it.
describe('heartbeat tokens', () => {
  async function heartbeat(app: Awaited<ReturnType<typeof createTestApp>>, owner: TestTenant) {
    const component = (await json(await app.call(owner, 'POST', '/v1/components', { name: 'Jobs' }))).id;
    const created = await json(
      await app.call(owner, 'POST', '/v1/monitors', {
        componentId: component,
        name: 'Nightly',
        config: { kind: 'heartbeat', graceSeconds: 60 },
      }),
    );
    return { id: created.id as string, token: new URL(created.heartbeatUrl).pathname.split('/').at(-1) ?? '' };
  }

  it('accepts the token in the X-Heartbeat-Token header, and refuses a wrong or missing one', async () => {
    // Prepare
    const { id, token } = await heartbeat(t, tenant);
    const before = (await t.store.monitors.require(tenant.tenantId, id)).lastHeartbeatAt;
    await new Promise((r) => setTimeout(r, 5));
    // Act
    const ok = await t.app.request('/v1/heartbeats', { method: 'POST', headers: { 'x-heartbeat-token': token } });
    const wrong = await t.app.request('/v1/heartbeats', {
      method: 'POST',
      headers: { 'x-heartbeat-token': 'b'.repeat(48) },
    });
    const missing = await t.app.request('/v1/heartbeats', { method: 'POST' });
    // Assess
    expect(ok.status).toBe(200);
    expect((await t.store.monitors.require(tenant.tenantId, id)).lastHeartbeatAt).not.toBe(before);
    expect(wrong.status).toBe(404);
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.field).toBe('header.x-heartbeat-token');
  });

  it('logs the route template, not the token, when a ping fails inside the API', async () => {
    // Prepare: a store whose heartbeat write fails, and a log the test reads
    const logs: string[] = [];
    const broken = await createTestApp({ log: (message, detail) => logs.push(JSON.stringify({ message, ...detail })) });
    const owner = await broken.signup('broken-heartbeat');
    const { token } = await heartbeat(broken, owner);
    broken.store.monitors.recordHeartbeat = async () => {
      throw new Error('the table is unavailable');
    };
    // Act
    const res = await broken.app.request(`/v1/heartbeats/${token}`, { method: 'POST' });
    // Assess
    expect(res.status).toBe(500);
    const line = logs.find((l) => l.includes('unhandled error')) ?? '';
    expect(line).toContain('"route":"/v1/heartbeats/{token}"');
    expect(logs.join('\n')).not.toContain(token);
  });
});
