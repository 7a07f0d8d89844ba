import { startImport } from '@upstate/services/imports/start';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// Every route × every kind of credential of tenant B (its API key, and a member of each role):
// A's resources are never shown or changed. B's key and B's owner get 404 (never 403, never data);
// a member whose role lacks the route's permission gets 403 before any lookup, which says nothing
// about A either. Lists never contain A's data.

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: TestTenant;
let b: TestTenant;
const ids: Record<string, string> = {};
type Caller = { name: string; headers: Record<string, string>; key: TestTenant | null; owner: boolean };
const callers: Caller[] = [];

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
  ids.invite = (await post('/v1/team/invites', { email: 'A-secret-invitee@example.com', role: 'viewer' })).id;
  const team = (await (await t.call(a, 'GET', '/v1/team')).json()) as { members: { userId: string }[] };
  ids.member = team.members[0]?.userId ?? '';
  const sessions = (await (
    await t.call(null, 'GET', '/v1/account/sessions', undefined, { cookie: a.cookie })
  ).json()) as { data: { id: string }[] };
  ids.session = sessions.data[0]?.id ?? '';
  callers.push({ name: 'B key', headers: {}, key: b, owner: true });
  callers.push({ name: 'B owner', headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken }, key: null, owner: true });
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    const m = await t.addMember(b, role);
    callers.push({ name: `B ${role}`, headers: m.headers, key: null, owner: false });
  }
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
  'PATCH /v1/team/members/{id}': { role: 'viewer' },
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
  if (path.startsWith('/v1/team/invites')) return ids.invite ?? '';
  if (path.startsWith('/v1/team/members')) return ids.member ?? '';
  if (path.startsWith('/v1/account/sessions')) return ids.session ?? '';
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
      for (const caller of callers) {
        // Account routes act for a person: a key is refused before any lookup.
        const personal = route.path.startsWith('/v1/account/');
        if (personal && caller.key) continue;
        const res = await t.call(caller.key, route.method, url, body, caller.headers);
        const label = `${caller.name} ${route.method} ${route.path}`;
        const allowed = caller.owner || personal ? [404] : [403, 404];
        expect({ label, allowed: allowed.includes(res.status) }).toEqual({ label, allowed: true });
        expect(await res.text()).not.toContain('A-secret');
      }
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
      '/v1/team',
      '/v1/team/invites',
      '/v1/account',
      '/v1/account/sessions',
      '/v1/subscribers',
      '/v1/subscribers?target=a-secret-reader%40example.com',
      '/v1/notifications',
    ]) {
      for (const caller of callers) {
        if (path.startsWith('/v1/account') && caller.key) continue;
        const res = await t.call(caller.key, 'GET', path, undefined, caller.headers);
        const text = await res.text();
        expect({ who: caller.name, path, ok: res.status === 200 || res.status === 403 }).toEqual({
          who: caller.name,
          path,
          ok: true,
        });
        expect(text).not.toContain('A-secret');
        expect(text).not.toContain('a-secret');
        expect(text).not.toContain(a.tenantId);
      }
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
