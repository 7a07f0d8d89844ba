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
