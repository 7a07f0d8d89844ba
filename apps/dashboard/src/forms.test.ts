import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, createHarness, fieldError, formError, type Harness } from '../test/harness.ts';

let h: Harness;
let b: Browser;
let tenantId: string;

beforeAll(async () => {
  h = await createHarness();
});

beforeEach(async () => {
  b = h.browser();
  const slug = h.uniqueSlug('forms');
  await b.signup(slug);
  tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
  expect(tenantId).not.toBe('');
});

const auditActions = async () => (await h.store.audit.list(tenantId, { limit: 100 })).items.map((e) => e.action);

async function addComponent(name: string, extra: Record<string, string> = {}) {
  const res = await b.post('/dashboard/components', { name, status: 'operational', showUptime: 'on', ...extra });
  expect(res.status, res.html).toBe(303);
  const found = (await h.store.components.list(tenantId)).find((x) => x.name === name);
  if (!found) throw new Error(`component ${name} not saved`);
  return found;
}

describe('components and groups', () => {
  it('leaves a new component to its monitors unless a status is picked, and can hand it back', async () => {
    // Prepare: the form as rendered, status left at its default
    const form = await b.get('/dashboard/components');
    expect(form.html).toContain('Automatic (monitors)');
    // Act
    const auto = await addComponent('Monitored', { status: '' });
    const pinned = await addComponent('Pinned', { status: 'major_outage' });
    // Assess: the default is monitor-driven; a picked status is manual
    expect(auto).toMatchObject({ status: 'operational', statusSource: 'monitor' });
    expect(pinned).toMatchObject({ status: 'major_outage', statusSource: 'manual' });
    // Act: "Return to automatic" on the pinned one
    const back = await b.post(`/dashboard/components/${pinned.id}/status`, { status: '' });
    expect(back.status, back.html).toBe(303);
    // Assess
    expect((await h.store.components.get(tenantId, pinned.id))?.statusSource).not.toBe('manual');
  });

  it('creates, edits, sets status, reorders and deletes through the forms', async () => {
    await b.get('/dashboard/components');
    const group = await b.post('/dashboard/groups', { groupName: 'EU region', groupDescription: '' });
    expect(group.location).toBe('/dashboard/components?notice=group-created');
    const groupId = (await h.store.groups.list(tenantId))[0]?.id ?? '';
    const api = await addComponent('API', { groupId, description: 'Public REST API' });
    const web = await addComponent('Website', { groupId });
    expect(api).toMatchObject({ groupId, description: 'Public REST API', status: 'operational', showUptime: true });

    const list = await b.get('/dashboard/components?notice=component-created');
    expect(list.html).toContain('Component added.');
    expect(list.html.indexOf('>API<')).toBeLessThan(list.html.indexOf('>Website<'));

    expect((await b.post(`/dashboard/components/${web.id}/move`, { direction: 'up' })).status).toBe(303);
    const order = (await h.store.components.list(tenantId)).map((x) => x.name);
    expect(order).toEqual(['Website', 'API']);

    const status = await b.post(`/dashboard/components/${api.id}/status`, { status: 'partial_outage' });
    expect(status.location).toBe('/dashboard/components?notice=status-set');
    expect((await h.store.components.get(tenantId, api.id))?.status).toBe('partial_outage');

    const edit = await b.get(`/dashboard/components/${api.id}`);
    expect(edit.html).toContain('value="API"');
    const saved = await b.post(`/dashboard/components/${api.id}`, { name: 'Public API', groupId: '', description: '' });
    expect(saved.status).toBe(303);
    expect(await h.store.components.get(tenantId, api.id)).toMatchObject({
      name: 'Public API',
      groupId: null,
      description: null,
      showUptime: false,
    });

    expect((await b.post(`/dashboard/components/${web.id}/delete`)).status).toBe(303);
    expect((await h.store.components.list(tenantId)).map((x) => x.name)).toEqual(['Public API']);
    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        'component.created',
        'component.status_changed',
        'component.reordered',
        'component.deleted',
      ]),
    );
  });

  it('shows bad input next to the field and saves nothing', async () => {
    await b.get('/dashboard/components');
    const empty = await b.post('/dashboard/components', { name: '   ', status: 'operational' });
    expect(empty.status).toBe(400);
    expect(fieldError(empty.html, 'name')).toBe('This field is required.');
    const long = await b.post('/dashboard/components', { name: 'x'.repeat(121), status: 'operational' });
    expect(fieldError(long.html, 'name')).toBe('Use at most 120 characters.');
    expect(long.html).toContain(`value="${'x'.repeat(121)}"`);
    const badGroup = await b.post('/dashboard/components', { name: 'Ok', groupId: 'nope', status: 'operational' });
    expect(fieldError(badGroup.html, 'groupId')).toBe('Unknown component group');
    const badStatus = await b.post('/dashboard/components', { name: 'Ok', status: 'on_fire' });
    expect(fieldError(badStatus.html, 'status')).toBe('Choose one of the options.');
    const group = await b.post('/dashboard/groups', { groupName: '' });
    expect(fieldError(group.html, 'groupName')).toBe('This field is required.');
    expect(await h.store.components.list(tenantId)).toHaveLength(0);
    expect(await h.store.groups.list(tenantId)).toHaveLength(0);

    const c = await addComponent('Edge');
    const rename = await b.post(`/dashboard/components/${c.id}`, { name: '' });
    expect(rename.status).toBe(400);
    expect(fieldError(rename.html, 'name')).toBe('This field is required.');
    expect((await h.store.components.get(tenantId, c.id))?.name).toBe('Edge');
  });
});

describe('incidents', () => {
  it('opens with affected components, posts updates, corrects, resolves and reopens, with the audit trail', async () => {
    const api = await addComponent('API');
    const web = await addComponent('Website');
    await b.get('/dashboard/incidents/new');
    const opened = await b.post('/dashboard/incidents', {
      name: 'Elevated errors',
      status: 'investigating',
      impact: 'major',
      body: 'We are **looking** into it.',
      [`component.${api.id}`]: 'major_outage',
      [`component.${web.id}`]: '',
    });
    expect(opened.status).toBe(303);
    const incident = (await h.store.incidents.list(tenantId)).items[0];
    if (!incident) throw new Error('incident not saved');
    expect(opened.location).toBe(`/dashboard/incidents/${incident.id}?notice=incident-created`);
    expect(incident).toMatchObject({ name: 'Elevated errors', impact: 'major', componentIds: [api.id] });
    expect((await h.store.components.get(tenantId, api.id))?.status).toBe('major_outage');
    expect((await h.store.components.get(tenantId, web.id))?.status).toBe('operational');

    const page = await b.get(`/dashboard/incidents/${incident.id}`);
    expect(page.html).toContain('We are <strong>looking</strong> into it.');

    const update = await b.post(`/dashboard/incidents/${incident.id}/updates`, {
      status: 'identified',
      impact: 'major',
      body: 'Found a bad deploy.',
      [`component.${api.id}`]: 'partial_outage',
    });
    expect(update.location).toContain('notice=incident-updated');
    const firstUpdateId = incident.updates[0]?.id ?? '';
    const corrected = await b.post(`/dashboard/incidents/${incident.id}/updates/${firstUpdateId}/corrections`, {
      [`correction.${firstUpdateId}`]: 'We are looking into elevated errors.',
    });
    expect(corrected.location).toContain('notice=incident-corrected');
    const resolved = await b.post(`/dashboard/incidents/${incident.id}/resolve`, { resolveBody: '' });
    expect(resolved.location).toContain('notice=incident-resolved');
    expect((await h.store.components.get(tenantId, api.id))?.status).toBe('operational');
    const reopened = await b.post(`/dashboard/incidents/${incident.id}/reopen`, {
      reopenStatus: 'monitoring',
      reopenBody: 'Errors are back.',
    });
    expect(reopened.location).toContain('notice=incident-reopened');

    const stored = await h.store.incidents.get(tenantId, incident.id);
    expect(stored?.status).toBe('monitoring');
    expect(stored?.updates.map((u) => `${u.kind}:${u.status}`)).toEqual([
      'update:investigating',
      'update:identified',
      'correction:investigating',
      'update:resolved',
      'update:monitoring',
    ]);
    // The detail page shows the whole timeline (original kept beside its correction) and the audit trail.
    const detail = await b.get(`/dashboard/incidents/${incident.id}`);
    expect(detail.html).toContain('We are <strong>looking</strong> into it.');
    expect(detail.html).toContain('We are looking into elevated errors.');
    for (const action of [
      'incident.created',
      'incident.updated',
      'incident.update_corrected',
      'incident.resolved',
      'incident.reopened',
    ]) {
      expect(detail.html).toContain(`<code>${action}</code>`);
    }
    expect(detail.html).toContain('component.status_changed');
  });

  it('previews Markdown without saving, with raw HTML shown as text', async () => {
    await b.get('/dashboard/incidents/new');
    const preview = await b.post('/dashboard/incidents', {
      intent: 'preview',
      name: 'Draft',
      status: 'investigating',
      impact: 'minor',
      body: '_Soon_ <script>alert(1)</script> <img src=x onerror=alert(1)>',
    });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('<em>Soon</em>');
    expect(preview.html).not.toContain('<script>alert(1)</script>');
    expect(preview.html).not.toMatch(/<img[^>]*onerror/);
    expect(preview.html).toContain('value="Draft"');
    expect((await h.store.incidents.list(tenantId)).items).toHaveLength(0);
  });

  it('renders the live Markdown preview for signed-in users only', async () => {
    const res = await b.post('/dashboard/markdown-preview', {
      source: '**Hi** <script>x</script> [a](javascript:alert(1))',
    });
    expect(res.status).toBe(200);
    expect(res.html).toContain('<strong>Hi</strong>');
    expect(res.html).toContain('&lt;script&gt;');
    expect(res.html).not.toContain('javascript:');
    const anonymous = await h.browser().request('POST', '/dashboard/markdown-preview', { source: 'x' });
    expect(anonymous.status).toBe(303);
  });

  it('shows bad input next to the field and saves nothing', async () => {
    const api = await addComponent('API');
    await b.get('/dashboard/incidents/new');
    const base = { name: 'Outage', status: 'investigating', impact: 'minor', body: 'Looking.' };
    const noBody = await b.post('/dashboard/incidents', { ...base, body: ' ' });
    expect(noBody.status).toBe(400);
    expect(fieldError(noBody.html, 'body')).toBe('This field is required.');
    const noName = await b.post('/dashboard/incidents', { ...base, name: '' });
    expect(fieldError(noName.html, 'name')).toBe('This field is required.');
    const badImpact = await b.post('/dashboard/incidents', { ...base, impact: 'apocalyptic' });
    expect(fieldError(badImpact.html, 'impact')).toBe('Choose one of the options.');
    const badComponent = await b.post('/dashboard/incidents', { ...base, [`component.${api.id}`]: 'exploded' });
    expect(fieldError(badComponent.html, `component.${api.id}`)).toBe('Choose one of the options.');
    expect((await h.store.incidents.list(tenantId)).items).toHaveLength(0);
    expect((await h.store.components.get(tenantId, api.id))?.status).toBe('operational');

    await b.post('/dashboard/incidents', base);
    const incident = (await h.store.incidents.list(tenantId)).items[0];
    if (!incident) throw new Error('incident not saved');
    const emptyUpdate = await b.post(`/dashboard/incidents/${incident.id}/updates`, { status: 'identified', body: '' });
    expect(emptyUpdate.status).toBe(400);
    expect(fieldError(emptyUpdate.html, 'body')).toBe('This field is required.');
    const emptyReopen = await b.post(`/dashboard/incidents/${incident.id}/resolve`, {
      resolveBody: 'x'.repeat(20_001),
    });
    expect(fieldError(emptyReopen.html, 'resolveBody')).toBe('Use at most 20000 characters.');
    expect((await h.store.incidents.get(tenantId, incident.id))?.updates).toHaveLength(1);
  });
});

describe('scheduled maintenance', () => {
  it('schedules in the tenant time zone, posts updates and cancels', async () => {
    const api = await addComponent('API');
    await b.get('/dashboard/maintenance');
    const created = await b.post('/dashboard/maintenance', {
      name: 'Database upgrade',
      scheduledFor: '2031-03-01T10:00',
      scheduledUntil: '2031-03-01T12:00',
      impact: 'minor',
      [`componentIds.${api.id}`]: 'on',
      body: 'Short read-only window.',
      autoStart: 'on',
    });
    expect(created.location).toBe('/dashboard/maintenance?notice=maintenance-created');
    const m = (await h.store.maintenances.list(tenantId)).items[0];
    expect(m).toMatchObject({
      name: 'Database upgrade',
      scheduledFor: '2031-03-01T10:00:00.000Z',
      scheduledUntil: '2031-03-01T12:00:00.000Z',
      componentIds: [api.id],
      autoStart: true,
      autoComplete: false,
      status: 'scheduled',
    });
    if (!m) throw new Error('not saved');
    const update = await b.post(`/dashboard/maintenance/${m.id}/updates`, {
      status: 'in_progress',
      body: 'Started early.',
    });
    expect(update.status).toBe(303);
    expect((await h.store.maintenances.get(tenantId, m.id))?.status).toBe('in_progress');
    const detail = await b.get(`/dashboard/maintenance/${m.id}`);
    expect(detail.html).toContain('Started early.');
  });

  it('shows bad input next to the field and saves nothing', async () => {
    await b.get('/dashboard/maintenance');
    const form = { name: 'Upgrade', impact: 'minor', body: 'Window.', scheduledFor: '2031-03-01T10:00' };
    const backwards = await b.post('/dashboard/maintenance', { ...form, scheduledUntil: '2031-03-01T09:00' });
    expect(backwards.status).toBe(400);
    expect(fieldError(backwards.html, 'scheduledUntil')).toBe('ScheduledUntil must be after scheduledFor');
    const missing = await b.post('/dashboard/maintenance', {
      ...form,
      scheduledFor: '',
      scheduledUntil: '2031-03-01T11:00',
    });
    expect(fieldError(missing.html, 'scheduledFor')).toBe('Enter a date and time.');
    const noBody = await b.post('/dashboard/maintenance', { ...form, body: '', scheduledUntil: '2031-03-01T11:00' });
    expect(fieldError(noBody.html, 'body')).toBe('This field is required.');
    expect((await h.store.maintenances.list(tenantId)).items).toHaveLength(0);
  });
});

describe('monitors', () => {
  it('adds an HTTP monitor and a heartbeat whose URL is shown once', async () => {
    const api = await addComponent('API');
    await b.get('/dashboard/monitors');
    const http = await b.post('/dashboard/monitors', {
      name: 'API health',
      componentId: api.id,
      'config.kind': 'http',
      'config.url': 'https://api.example.com/health',
      'config.method': 'GET',
      'config.expectedStatus.min': '200',
      'config.expectedStatus.max': '299',
      'config.keyword': 'ok',
      intervalSeconds: '120',
    });
    expect(http.status).toBe(303);
    const monitors = await h.store.monitors.list(tenantId);
    expect(monitors[0]).toMatchObject({
      name: 'API health',
      intervalSeconds: 120,
      config: {
        kind: 'http',
        url: 'https://api.example.com/health',
        keyword: 'ok',
        expectedStatus: { min: 200, max: 299 },
      },
    });
    const detail = await b.get(http.location ?? '');
    expect(detail.html).toContain('Recent checks');
    expect(detail.html).toContain('No checks yet');
    const monitorId = monitors[0]?.id ?? '';
    for (const [at, result, latencyMs, statusCode, error] of [
      ['2026-11-24T10:00:00.000Z', 'up', 120, 200, null],
      ['2026-11-24T10:01:00.000Z', 'down', null, 503, 'HTTP 503 <Service Unavailable>'],
    ] as const) {
      await h.store.checks.record({
        tenantId,
        monitorId,
        componentId: api.id,
        at,
        result,
        latencyMs,
        statusCode,
        error,
      });
    }
    const checks = await b.get(http.location ?? '');
    const rows = [
      ...checks.html.matchAll(/<tr><td>([^<]+)<\/td><td><span class="badge [a-z]*">(Up|Down)<\/span>/g),
    ].map((m) => m[2]);
    expect(rows).toEqual(['Down', 'Up']);
    expect(checks.html).toContain('120 ms');
    expect(checks.html).toContain('HTTP 503 &lt;Service Unavailable&gt;');

    const beat = await b.post('/dashboard/monitors', {
      name: 'Nightly backup',
      componentId: api.id,
      'config.kind': 'heartbeat',
      'config.graceSeconds': '300',
      intervalSeconds: '86400',
    });
    expect(beat.status).toBe(201);
    const url = /<code class="secret">([^<]+\/v1\/heartbeats\/[0-9a-f]{48})<\/code>/.exec(beat.html)?.[1];
    expect(url).toBeDefined();
    const id = (await h.store.monitors.list(tenantId)).find((m) => m.name === 'Nightly backup')?.id;
    expect((await b.get(`/dashboard/monitors/${id}`)).html).not.toContain(url);
  });

  it('shows bad input next to the field and saves nothing', async () => {
    const api = await addComponent('API');
    await b.get('/dashboard/monitors');
    const form = { name: 'Check', componentId: api.id, 'config.kind': 'http', 'config.url': 'https://example.com/' };
    const badUrl = await b.post('/dashboard/monitors', { ...form, 'config.url': 'ftp://example.com/' });
    expect(badUrl.status).toBe(400);
    expect(fieldError(badUrl.html, 'config.url')).toBeTruthy();
    const badInterval = await b.post('/dashboard/monitors', { ...form, intervalSeconds: '5' });
    expect(fieldError(badInterval.html, 'intervalSeconds')).toBe('Must be at least 60.');
    const notNumber = await b.post('/dashboard/monitors', { ...form, 'config.timeoutMs': 'soon' });
    expect(fieldError(notNumber.html, 'config.timeoutMs')).toBeTruthy();
    const badComponent = await b.post('/dashboard/monitors', { ...form, componentId: 'missing' });
    expect(fieldError(badComponent.html, 'componentId')).toBe('Unknown component');
    expect(await h.store.monitors.list(tenantId)).toHaveLength(0);
  });
});

describe('custom domain', () => {
  it('adds a domain, shows the TXT record and verifies it', async () => {
    await b.get('/dashboard/domain');
    expect((await b.post('/dashboard/domain', { domain: 'Status.Example.com' })).status).toBe(303);
    const page = await b.get('/dashboard/domain');
    const domain = (await h.store.domains.list(tenantId))[0];
    if (!domain) throw new Error('domain not saved');
    expect(domain.domain).toBe('status.example.com');
    expect(page.html).toContain(domain.txtRecordName);
    expect(page.html).toContain(domain.txtRecordValue);

    const early = await b.post('/dashboard/domain/status.example.com/verify');
    expect(early.location).toContain('notice=domain-pending');
    h.txt.set(domain.txtRecordName, [[domain.txtRecordValue]]);
    const verified = await b.post('/dashboard/domain/status.example.com/verify');
    expect(verified.location).toContain('notice=domain-verified');
    expect((await h.store.domains.get(tenantId, 'status.example.com'))?.status).toBe('verified');
  });

  it('shows bad input next to the field and saves nothing', async () => {
    await b.get('/dashboard/domain');
    const bad = await b.post('/dashboard/domain', { domain: 'not a domain' });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.html, 'domain')).toBe('Must be a domain name');
    const platform = await b.post('/dashboard/domain', { domain: 'evil.localhost' });
    expect(fieldError(platform.html, 'domain')).toMatch(/Must be a domain name|platform subdomain/);
    expect(await h.store.domains.list(tenantId)).toHaveLength(0);
  });
});

describe('API keys', () => {
  it('shows a new key once, stores only its hash, and revokes it', async () => {
    await b.get('/dashboard/api-keys');
    const created = await b.post('/dashboard/api-keys', { name: 'PagerDuty', 'scope.incidents': 'on' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const key = /<code class="secret"[^>]*>(up_live_[0-9a-f]{48})<\/code>/.exec(created.html)?.[1] ?? '';
    expect(key).not.toBe('');
    const stored = (await h.store.apiKeys.list(tenantId)).find((k) => k.name === 'PagerDuty');
    expect(stored?.scopes).toEqual(['incidents']);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await b.get('/dashboard/api-keys')).html).not.toContain(key);

    // The key works against the API until it is revoked from the dashboard.
    const use = () => h.api.request('/v1/incidents', { headers: { authorization: `Bearer ${key}` } });
    expect((await use()).status).toBe(200);
    const revoked = await b.post(`/dashboard/api-keys/${stored?.id}/revoke`);
    expect(revoked.location).toBe('/dashboard/api-keys?notice=key-revoked');
    expect((await use()).status).toBe(401);
  });

  it('shows bad input next to the field and saves nothing', async () => {
    await b.get('/dashboard/api-keys');
    const before = (await h.store.apiKeys.list(tenantId)).length;
    const noScope = await b.post('/dashboard/api-keys', { name: 'Nothing' });
    expect(noScope.status).toBe(400);
    expect(fieldError(noScope.html, 'scopes')).toBe('Choose at least one.');
    const noName = await b.post('/dashboard/api-keys', { name: '', 'scope.read': 'on' });
    expect(fieldError(noName.html, 'name')).toBe('This field is required.');
    expect(await h.store.apiKeys.list(tenantId)).toHaveLength(before);
  });
});

describe('branding', () => {
  const form = (over: Record<string, string> = {}) => ({
    name: 'Acme',
    'branding.logoUrl': '',
    'branding.brandColor': '#1d4ed8',
    'branding.theme': 'compact',
    'branding.colorScheme': 'dark',
    'branding.homepageUrl': 'https://acme.example.com',
    'branding.faviconUrl': '',
    'branding.footerLinks.0.label': 'Support',
    'branding.footerLinks.0.url': 'mailto:support@acme.example.com',
    ...over,
  });

  it('saves logo, colour, theme, dark mode and footer links', async () => {
    await b.get('/dashboard/branding');
    const res = await b.post(
      '/dashboard/branding',
      form({
        'branding.logoUrl': 'https://cdn.acme.example.com/logo.svg',
        'branding.footerLinks.2.label': 'Privacy',
        'branding.footerLinks.2.url': 'https://acme.example.com/privacy',
      }),
    );
    expect(res.location).toBe('/dashboard/branding?notice=branding-saved');
    const t = await h.store.tenants.require(tenantId);
    expect(t.tenant.name).toBe('Acme');
    expect(t.branding).toEqual({
      logoUrl: 'https://cdn.acme.example.com/logo.svg',
      faviconUrl: null,
      brandColor: '#1d4ed8',
      theme: 'compact',
      colorScheme: 'dark',
      homepageUrl: 'https://acme.example.com',
      footerLinks: [
        { label: 'Support', url: 'mailto:support@acme.example.com' },
        { label: 'Privacy', url: 'https://acme.example.com/privacy' },
      ],
    });
    const page = await b.get('/dashboard/branding');
    expect(page.html).toContain('value="https://acme.example.com/privacy"');
  });

  it('warns about low contrast next to the colour, saves nothing, and stores the suggestion only when accepted', async () => {
    const before = await h.store.tenants.require(tenantId);
    await b.get('/dashboard/branding');
    const res = await b.post('/dashboard/branding', form({ 'branding.brandColor': '#ffdd00' }));
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'branding.brandColor')).toMatch(/contrast ratio of [\d.]+:1 against white/);
    expect(res.html).toMatch(/id="contrast-warning" data-contrast>/);
    expect(await h.store.tenants.require(tenantId)).toEqual(before);

    const accepted = await b.post(
      '/dashboard/branding',
      form({ 'branding.brandColor': '#ffdd00', acceptAdjustedColor: 'on' }),
    );
    expect(accepted.status).toBe(303);
    const color = (await h.store.tenants.require(tenantId)).branding.brandColor;
    expect(color).not.toBe('#ffdd00');
    expect(color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('puts each bad field’s message next to it, in the right footer row', async () => {
    const before = await h.store.tenants.require(tenantId);
    await b.get('/dashboard/branding');
    const cases: [Record<string, string>, string][] = [
      [{ 'branding.brandColor': 'blue' }, 'branding.brandColor'],
      [{ 'branding.logoUrl': 'javascript:alert(1)' }, 'branding.logoUrl'],
      [{ 'branding.homepageUrl': 'http://insecure.example.com' }, 'branding.homepageUrl'],
      [
        { 'branding.footerLinks.3.label': 'Status', 'branding.footerLinks.3.url': 'javascript:alert(1)' },
        'branding.footerLinks.3.url',
      ],
      [
        { 'branding.footerLinks.1.label': '', 'branding.footerLinks.1.url': 'https://acme.example.com/x' },
        'branding.footerLinks.1.label',
      ],
      [{ name: '' }, 'name'],
    ];
    for (const [over, field] of cases) {
      const res = await b.post('/dashboard/branding', form(over));
      expect(res.status, field).toBe(400);
      expect(fieldError(res.html, field), field).toBeTruthy();
    }
    expect(await h.store.tenants.require(tenantId)).toEqual(before);
  });

  it('previews unsaved values in the real theme, sandboxed, without saving', async () => {
    await addComponent('Checkout <API>');
    await b.get('/dashboard/branding');
    const saved = await b.get('/dashboard/branding/preview');
    expect(saved.status).toBe(200);
    expect(saved.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(saved.html).toContain('Checkout &lt;API&gt;');
    // Astro leaves < unescaped inside quoted attributes (harmless); in text it must be escaped.
    expect(saved.html).not.toMatch(/>[^<"]*Checkout <API>/);

    const before = await h.store.tenants.require(tenantId);
    const res = await b.post(
      '/dashboard/branding/preview',
      form({ name: 'Preview <Co>', 'branding.brandColor': '#7c3aed' }),
    );
    expect(res.status).toBe(200);
    expect(res.html).toContain('<title>Preview &lt;Co&gt; Status</title>');
    expect(res.html).toContain('data-scheme="dark"');
    expect(res.html).toContain('/dashboard/branding/preview/brand.css?color=7c3aed');
    expect(res.html).toContain('mailto:support@acme.example.com');
    const cssHref = /href="(\/dashboard\/branding\/preview\/assets\/compact\/[^"]+\.css)"/.exec(res.html)?.[1];
    expect(cssHref).toBeDefined();
    const css = await b.get(cssHref ?? '');
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toContain('immutable');
    const brand = await b.get('/dashboard/branding/preview/brand.css?color=7c3aed');
    expect(brand.html).toContain('--brand:#7c3aed');
    expect(await h.store.tenants.require(tenantId)).toEqual(before);

    // An invalid proposed value is left out of the preview rather than breaking it.
    const bad = await b.post(
      '/dashboard/branding/preview',
      form({ 'branding.theme': 'neon', 'branding.brandColor': 'red' }),
    );
    expect(bad.status).toBe(200);
    expect(bad.html).toContain('brand.css?color=2563eb');
  });
});

describe('publish state', () => {
  it('shows the state from the API and links the live page', async () => {
    const page = await b.get('/dashboard');
    expect(page.html).toMatch(/data-publish-url="\/dashboard\/publish-state" data-state="pending"/);
    expect(page.html).toContain('Publishing…');
    expect(page.html).toMatch(/href="http:\/\/forms-[^"]+\.localhost:8080"[^>]*>View live page/);
    const version = (await h.store.publish.get(tenantId)).contentVersion;
    await h.store.publish.commitPublished(tenantId, version);
    const live = await b.get('/dashboard');
    expect(live.html).toContain('>Live<');
    expect(live.html).toMatch(/last published \d+ s ago/);
    const json = await b.get('/dashboard/publish-state');
    expect(JSON.parse(json.html)).toMatchObject({ state: 'live', publishedVersion: version });
  });
});

describe('double submission', () => {
  it('writes once when the same rendered form is posted twice (the API’s idempotency key)', async () => {
    const page = await b.get('/dashboard/incidents/new');
    const idem = /name="_idem" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    expect(idem).toMatch(/^[0-9a-f-]{36}$/);
    const form = { _idem: idem, name: 'Twice', status: 'investigating', impact: 'minor', body: 'Once.' };
    const first = await b.post('/dashboard/incidents', form);
    const second = await b.post('/dashboard/incidents', form);
    expect(first.status).toBe(303);
    expect(second.location).toBe(first.location);
    expect((await h.store.incidents.list(tenantId)).items).toHaveLength(1);
    // A freshly rendered form has a new key, so a deliberate second incident is still possible.
    const again = await b.get('/dashboard/incidents/new');
    expect(/name="_idem" value="([^"]+)"/.exec(again.html)?.[1]).not.toBe(idem);
  });
});

describe('every page', () => {
  it('escapes tenant text and carries a strict CSP', async () => {
    await b.get('/dashboard/components');
    await b.post('/dashboard/components', { name: '<img src=x onerror=alert(1)>', status: 'operational' });
    for (const path of [
      '/dashboard',
      '/dashboard/components',
      '/dashboard/incidents/new',
      '/dashboard/maintenance',
      '/dashboard/monitors',
    ]) {
      const res = await b.get(path);
      expect(res.status, path).toBe(200);
      expect(res.html, path).not.toContain('<img src=x');
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(res.html, path).not.toMatch(/<script>(?!<\/script>)/);
    }
    expect(formError((await b.get('/dashboard/components')).html)).toBeNull();
  });

  it('never repeats an element id, so every label points at its own field', async () => {
    const api = await addComponent('API');
    await b.post('/dashboard/groups', { groupName: 'Core' });
    await b.post('/dashboard/incidents', {
      name: 'I',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      [`component.${api.id}`]: 'partial_outage',
    });
    const incident = (await h.store.incidents.list(tenantId)).items[0]?.id;
    const pages = [
      '/dashboard/components',
      `/dashboard/incidents/${incident}`,
      '/dashboard/branding',
      '/dashboard/monitors',
      '/dashboard/maintenance',
      '/dashboard/api-keys',
    ];
    for (const path of pages) {
      const html = (await b.get(path)).html;
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        path,
      ).toEqual([]);
      for (const [, target] of html.matchAll(/<label[^>]*\sfor="([^"]+)"/g))
        expect(ids, `${path} label for ${target}`).toContain(target);
    }
  });
});
