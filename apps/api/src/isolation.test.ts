import { startImport } from '@upstate/services/imports/start';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// Every route × a foreign tenant's credentials: tenant B must get 404 (never 403, never data)
// for tenant A's resources, and lists must never contain A's data.

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: TestTenant;
let b: TestTenant;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  a = await t.signup('tenant-a');
  b = await t.signup('tenant-b');
  const post = async (path: string, body: unknown) =>
    (await (await t.call(a, 'POST', path, body)).json()) as { id: string; updates?: { id: string }[] };
  ids.component = (await post('/v1/components', { name: 'A-secret-component' })).id;
  const incident = await post('/v1/incidents', { name: 'A-secret-incident', impact: 'minor', body: 'A-secret-body' });
  ids.incident = incident.id;
  ids.update = incident.updates?.[0]?.id ?? '';
  ids.maintenance = (
    await post('/v1/maintenances', {
      name: 'A-secret-maintenance',
      scheduledFor: new Date(Date.now() + 3600_000).toISOString(),
      scheduledUntil: new Date(Date.now() + 7200_000).toISOString(),
      body: 'A-secret',
    })
  ).id;
  ids.group = (await post('/v1/component-groups', { name: 'A-secret-group' })).id;
  ids.monitor = (
    await post('/v1/monitors', {
      componentId: ids.component,
      name: 'A-secret-monitor',
      config: { kind: 'heartbeat', graceSeconds: 60 },
    })
  ).id;
  ids.apiKey = (await post('/v1/api-keys', { name: 'A-secret-key', scopes: ['read'] })).id;
  await post('/v1/domains', { domain: 'status.tenant-a.com' });
  ids.domain = 'status.tenant-a.com';
  // Queued only: running it would reach the network.
  const services = { store: t.store, publishTrigger: t.publishTrigger, now: () => new Date(), log: () => {} };
  const author = { kind: 'api_key' as const, id: 'k', label: 'A-secret-importer' };
  ids.import = (await startImport(services, { tenantId: a.tenantId, author, url: 'https://a-secret.example.com' })).id;
  ids.subscriber = (await post('/v1/subscribers', { channel: 'email', target: 'a-secret-reader@example.com' })).id;
  ids.entryKey = `incident_update#${ids.update}`;
  await t.store.notifyEntries.claim(
    {
      tenantId: a.tenantId,
      entryKey: ids.entryKey,
      kind: 'incident',
      payload: '{}',
      pageStatus: '{}',
      componentIds: [],
      componentChange: false,
      run: 'run-a',
    },
    60_000,
  );
});

const bodies: Record<string, unknown> = {
  'PATCH /v1/components/{id}': { name: 'hijack' },
  'POST /v1/incidents/{id}/updates': { status: 'identified', body: 'hijack' },
  'POST /v1/incidents/{id}/updates/{updateId}/corrections': { body: 'hijack' },
  'POST /v1/incidents/{id}/resolve': { body: 'hijack' },
  'POST /v1/incidents/{id}/reopen': { body: 'hijack' },
  'PATCH /v1/maintenances/{id}': { name: 'hijack' },
  'POST /v1/maintenances/{id}/updates': { status: 'completed', body: 'hijack' },
  'PATCH /v1/component-groups/{id}': { name: 'hijack' },
  'PATCH /v1/monitors/{id}': { name: 'hijack' },
  'PUT /v1/subscribers/{id}/scope': { componentIds: null, componentUpdates: true },
};

function resourceFor(path: string): string {
  if (path.startsWith('/v1/components')) return ids.component ?? '';
  if (path.startsWith('/v1/incidents')) return ids.incident ?? '';
  if (path.startsWith('/v1/maintenances')) return ids.maintenance ?? '';
  if (path.startsWith('/v1/component-groups')) return ids.group ?? '';
  if (path.startsWith('/v1/monitors')) return ids.monitor ?? '';
  if (path.startsWith('/v1/api-keys')) return ids.apiKey ?? '';
  if (path.startsWith('/v1/imports')) return ids.import ?? '';
  if (path.startsWith('/v1/subscribers')) return ids.subscriber ?? '';
  throw new Error(`no fixture for ${path}`);
}

describe('tenant isolation matrix', () => {
  it('covers every parameterised route of the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
    const parameterised = routes.filter((r) => r.path.includes('{') && !r.path.startsWith('/v1/heartbeats'));
    expect(parameterised.length).toBeGreaterThanOrEqual(20);
    for (const route of parameterised) {
      const url = route.path
        .replace('{domain}', ids.domain ?? '')
        .replace('{updateId}', ids.update ?? '')
        .replace('{entryKey}', encodeURIComponent(ids.entryKey ?? ''))
        .replace('{id}', route.path.includes('{id}') ? resourceFor(route.path) : '');
      const body = bodies[`${route.method} ${route.path}`];
      const res = await t.call(b, route.method, url, body);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 404,
      });
      expect(await res.text()).not.toContain('A-secret');
    }
  });

  it('never lists another tenant’s data', async () => {
    for (const path of [
      '/v1/components',
      '/v1/component-groups',
      '/v1/incidents',
      '/v1/maintenances',
      '/v1/monitors',
      '/v1/api-keys',
      '/v1/domains',
      '/v1/audit-log',
      '/v1/tenant',
      '/v1/publish',
      '/v1/imports',
      '/v1/subscribers',
      '/v1/subscribers?target=a-secret-reader%40example.com',
      '/v1/notifications',
    ]) {
      const res = await t.call(b, 'GET', path);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain('A-secret');
      expect(text).not.toContain('a-secret');
      expect(text).not.toContain(a.tenantId);
    }
  });

  it('left tenant A untouched', async () => {
    const component = (await (await t.call(a, 'GET', `/v1/components/${ids.component}`)).json()) as { name: string };
    expect(component.name).toBe('A-secret-component');
    const incident = (await (await t.call(a, 'GET', `/v1/incidents/${ids.incident}`)).json()) as { updates: unknown[] };
    expect(incident.updates).toHaveLength(1);
    expect((await t.call(a, 'GET', '/v1/api-keys')).status).toBe(200);
  });
});
