import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, createHarness, type Harness } from '../test/harness.ts';

// Tenant A owns one of everything; tenant B's session tries to read and change each of them
// through the dashboard. Every attempt must answer 404 (not 403: existence is not revealed) and
// leave A's data exactly as it was.
let h: Harness;
let a: Browser;
let bob: Browser;
let aTenant: string;
const ids = { component: '', group: '', incident: '', updateId: '', maintenance: '', monitor: '', key: '' };
const secretName = 'Tenant A secret component';

beforeAll(async () => {
  h = await createHarness();
  a = h.browser();
  bob = h.browser();
  const slugA = h.uniqueSlug('iso-a');
  await a.signup(slugA);
  await bob.signup(h.uniqueSlug('iso-b'));
  aTenant = (await h.store.tenants.getBySlug(slugA))?.tenant.id ?? '';

  await a.get('/dashboard/components');
  await a.post('/dashboard/groups', { groupName: 'A group' });
  ids.group = (await h.store.groups.list(aTenant))[0]?.id ?? '';
  await a.post('/dashboard/components', { name: secretName, status: 'operational', showUptime: 'on' });
  ids.component = (await h.store.components.list(aTenant))[0]?.id ?? '';
  await a.post('/dashboard/incidents', {
    name: 'A incident',
    status: 'investigating',
    impact: 'minor',
    body: 'A body',
    [`component.${ids.component}`]: 'major_outage',
  });
  const incident = (await h.store.incidents.list(aTenant)).items[0];
  ids.incident = incident?.id ?? '';
  ids.updateId = incident?.updates[0]?.id ?? '';
  await a.post('/dashboard/maintenance', {
    name: 'A maintenance',
    impact: 'minor',
    body: 'A window',
    scheduledFor: '2031-01-01T10:00',
    scheduledUntil: '2031-01-01T11:00',
  });
  ids.maintenance = (await h.store.maintenances.list(aTenant)).items[0]?.id ?? '';
  await a.post('/dashboard/monitors', {
    name: 'A monitor',
    componentId: ids.component,
    'config.kind': 'http',
    'config.url': 'https://a.example.com/',
  });
  ids.monitor = (await h.store.monitors.list(aTenant))[0]?.id ?? '';
  await a.post('/dashboard/api-keys', { name: 'Tenant-A key', 'scope.read': 'on' });
  ids.key = (await h.store.apiKeys.list(aTenant)).find((k) => k.name === 'Tenant-A key')?.id ?? '';
  await a.post('/dashboard/domain', { domain: 'status.a-company.example' });
  for (const [k, v] of Object.entries(ids)) if (!v) throw new Error(`setup did not create ${k}`);
});

async function snapshotOfA() {
  return {
    components: await h.store.components.list(aTenant),
    groups: await h.store.groups.list(aTenant),
    incident: await h.store.incidents.get(aTenant, ids.incident),
    maintenance: await h.store.maintenances.get(aTenant, ids.maintenance),
    monitors: await h.store.monitors.list(aTenant),
    keys: (await h.store.apiKeys.list(aTenant)).map((k) => ({ ...k, lastUsedAt: null })),
    domains: await h.store.domains.list(aTenant),
    tenant: await h.store.tenants.require(aTenant),
  };
}

describe('one tenant’s session against another tenant’s dashboard', () => {
  it('cannot read A’s pages', async () => {
    await bob.get('/dashboard');
    const pages = [
      `/dashboard/components/${ids.component}`,
      `/dashboard/groups/${ids.group}`,
      `/dashboard/incidents/${ids.incident}`,
      `/dashboard/maintenance/${ids.maintenance}`,
      `/dashboard/monitors/${ids.monitor}`,
    ];
    for (const path of pages) {
      const res = await bob.get(path);
      expect(res.status, path).toBe(404);
      expect(res.html, path).not.toContain(secretName);
      expect(res.html, path).not.toContain('A incident');
    }
    // B's own lists and preview show none of A's things.
    for (const path of [
      '/dashboard',
      '/dashboard/components',
      '/dashboard/incidents',
      '/dashboard/maintenance',
      '/dashboard/monitors',
      '/dashboard/api-keys',
      '/dashboard/domain',
      '/dashboard/audit',
      '/dashboard/branding/preview',
    ]) {
      const res = await bob.get(path);
      expect(res.status, path).toBe(200);
      for (const text of [secretName, 'A incident', 'A maintenance', 'A monitor', 'Tenant-A key', 'a-company']) {
        expect(res.html, `${path} shows ${text}`).not.toContain(text);
      }
    }
  });

  it('cannot change A’s resources, and A’s data is untouched', async () => {
    const before = await snapshotOfA();
    await bob.get('/dashboard');
    const writes: [string, Record<string, string>][] = [
      [`/dashboard/components/${ids.component}`, { name: 'Hijacked' }],
      [`/dashboard/components/${ids.component}/status`, { status: 'major_outage' }],
      [`/dashboard/components/${ids.component}/move`, { direction: 'up' }],
      [`/dashboard/components/${ids.component}/delete`, {}],
      [`/dashboard/groups/${ids.group}`, { name: 'Hijacked' }],
      [`/dashboard/groups/${ids.group}/move`, { direction: 'down' }],
      [`/dashboard/groups/${ids.group}/delete`, {}],
      [`/dashboard/incidents/${ids.incident}/updates`, { status: 'identified', body: 'Hijacked' }],
      [`/dashboard/incidents/${ids.incident}/resolve`, { resolveBody: 'Hijacked' }],
      [`/dashboard/incidents/${ids.incident}/reopen`, { reopenBody: 'Hijacked' }],
      [
        `/dashboard/incidents/${ids.incident}/updates/${ids.updateId}/corrections`,
        { [`correction.${ids.updateId}`]: 'Hijacked' },
      ],
      [`/dashboard/maintenance/${ids.maintenance}/updates`, { status: 'in_progress', body: 'Hijacked' }],
      [`/dashboard/maintenance/${ids.maintenance}/delete`, {}],
      [`/dashboard/monitors/${ids.monitor}/pause`, { paused: 'true' }],
      [`/dashboard/monitors/${ids.monitor}/delete`, {}],
      [`/dashboard/api-keys/${ids.key}/revoke`, {}],
      ['/dashboard/domain/status.a-company.example/verify', {}],
      ['/dashboard/domain/status.a-company.example/delete', {}],
    ];
    for (const [path, form] of writes) {
      const res = await bob.post(path, form);
      expect([403, 404], path).toContain(res.status);
      expect(res.html, path).not.toContain(secretName);
    }
    // A component of A's cannot be smuggled into B's incident or maintenance either.
    const smuggle = await bob.post('/dashboard/incidents', {
      name: 'B incident',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      [`component.${ids.component}`]: 'major_outage',
    });
    expect(smuggle.status).toBe(303);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('cannot use A’s CSRF token with B’s session', async () => {
    await a.get('/dashboard/components');
    const aToken = a.csrf;
    await bob.get('/dashboard/components');
    const res = await bob.request('POST', '/dashboard/components', {
      _csrf: aToken,
      name: 'Cross',
      status: 'operational',
    });
    expect(res.status).toBe(403);
  });
});
