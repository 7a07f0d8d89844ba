import { AppError } from '@upstate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './auth.ts';
import { principalId, redactSecrets, requestFingerprint } from './idempotency.ts';
import { createTestApp, type TestTenant } from './testing.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let acme: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  acme = await t.signup('acme');
});

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('the walk-through: sign up, component, incident, update, resolve', () => {
  it('runs the whole lifecycle and keeps an audit trail and publish triggers', async () => {
    const component = await json(
      await t.call(acme, 'POST', '/v1/components', { name: 'API', description: 'Public REST API' }),
    );
    expect(component).toMatchObject({ name: 'API', status: 'operational' });

    const created = await t.call(acme, 'POST', '/v1/incidents', {
      name: 'Elevated errors',
      impact: 'major',
      body: 'We are investigating elevated error rates.',
      components: [{ componentId: component.id, status: 'major_outage' }],
    });
    expect(created.status).toBe(201);
    const incident = await json(created);
    expect((await json(await t.call(acme, 'GET', `/v1/components/${component.id}`))).status).toBe('major_outage');

    const updated = await json(
      await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, {
        status: 'identified',
        body: 'A bad deploy; rolling back.',
        components: [{ componentId: component.id, status: 'partial_outage' }],
      }),
    );
    expect(updated.status).toBe('identified');
    expect(updated.updates.at(-1).componentChanges).toEqual([
      { componentId: component.id, oldStatus: 'major_outage', newStatus: 'partial_outage' },
    ]);

    const resolved = await json(await t.call(acme, 'POST', `/v1/incidents/${incident.id}/resolve`, { body: 'Fixed.' }));
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).toBeTruthy();
    expect(resolved.updates.map((u: { status: string }) => u.status)).toEqual([
      'investigating',
      'identified',
      'resolved',
    ]);
    expect((await json(await t.call(acme, 'GET', `/v1/components/${component.id}`))).status).toBe('operational');

    // Illegal transition after resolve, then an explicit reopen.
    const illegal = await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, {
      status: 'monitoring',
      body: 'x',
    });
    expect(illegal.status).toBe(409);
    expect((await json(illegal)).error).toMatchObject({ code: 'invalid_transition', field: 'status' });
    const reopened = await t.call(acme, 'POST', `/v1/incidents/${incident.id}/reopen`, { body: 'Errors are back.' });
    expect((await json(reopened)).status).toBe('investigating');

    const audit = await json(await t.call(acme, 'GET', '/v1/audit-log?limit=100'));
    const actions = audit.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'incident.created',
        'incident.updated',
        'incident.resolved',
        'incident.reopened',
        'component.status_changed',
      ]),
    );
    expect(audit.data.find((e: { action: string }) => e.action === 'incident.created').author).toMatchObject({
      kind: 'api_key',
    });

    const publish = await json(await t.call(acme, 'GET', '/v1/publish'));
    const triggers = t.publishTrigger.calls.filter((c) => c.tenantId === acme.tenantId);
    expect(triggers.at(-1)?.contentVersion).toBe(publish.contentVersion);
    expect(publish.state).toBe('pending');
  });

  it('appends corrections instead of editing an update', async () => {
    const incident = await json(
      await t.call(acme, 'POST', '/v1/incidents', { name: 'Typo', impact: 'minor', body: 'Teh API is slow' }),
    );
    const first = incident.updates[0].id;
    const corrected = await json(
      await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates/${first}/corrections`, {
        body: 'The API is slow',
      }),
    );
    expect(corrected.updates).toHaveLength(2);
    expect(corrected.updates[0].body).toBe('Teh API is slow');
    expect(corrected.updates[1]).toMatchObject({
      kind: 'correction',
      correctsUpdateId: first,
      body: 'The API is slow',
    });
  });

  it('pages incidents with an opaque cursor that another tenant cannot use', async () => {
    for (let i = 0; i < 3; i++)
      await t.call(acme, 'POST', '/v1/incidents', { name: `n${i}`, impact: 'none', body: 'b' });
    const page = await json(await t.call(acme, 'GET', '/v1/incidents?limit=2'));
    expect(page.data).toHaveLength(2);
    const other = await t.signup();
    const res = await t.call(other, 'GET', `/v1/incidents?cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
  });

  it("answers another listing's cursor with 400 invalid_cursor, never 500", async () => {
    // Prepare: the audit log has several entries by now, so a one-entry page has a next cursor
    const audit = await json(await t.call(acme, 'GET', '/v1/audit-log?limit=1'));
    expect(audit.nextCursor).toBeTruthy();
    // Act
    const cursor = encodeURIComponent(audit.nextCursor);
    const incidents = await t.call(acme, 'GET', `/v1/incidents?cursor=${cursor}`);
    const maintenance = await t.call(acme, 'GET', `/v1/maintenances?cursor=${cursor}`);
    // Assess
    for (const res of [incidents, maintenance]) {
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
    }
  });
});

describe('errors have one shape and name the problem', () => {
  it.each([
    ['bad JSON', '{"name": ', 400, 'invalid_json', 'body'],
    ['unknown field', { name: 'x', colour: 'red' }, 400, 'unknown_field', 'colour'],
    ['bad enum', { name: 'x', status: 'on_fire' }, 400, 'validation_failed', 'status'],
    ['missing field', {}, 400, 'validation_failed', 'name'],
    ['oversize body', { name: 'x', description: 'y'.repeat(70_000) }, 413, 'payload_too_large', 'body'],
  ])('%s', async (_label, body, status, code, field) => {
    const before = (await json(await t.call(acme, 'GET', '/v1/components'))).data.length;
    const res = await t.call(acme, 'POST', '/v1/components', body);
    expect(res.status).toBe(status);
    const error = (await json(res)).error;
    expect(error).toMatchObject({ code, field });
    expect(error.requestId).toBeTruthy();
    expect((await json(await t.call(acme, 'GET', '/v1/components'))).data.length).toBe(before);
  });

  it('answers unknown routes and missing auth with the same error shape', async () => {
    expect((await json(await t.call(acme, 'GET', '/v1/nope'))).error.code).toBe('not_found');
    const res = await t.call(null, 'GET', '/v1/components');
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
  });

  it('rejects a brand colour that fails WCAG AA with a suggestion, or stores the adjusted one on request', async () => {
    const res = await t.call(acme, 'PATCH', '/v1/tenant', { branding: { brandColor: '#ffee00' } });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({
      field: 'branding.brandColor',
      message: expect.stringMatching(/WCAG AA/),
    });
    const ok = await json(
      await t.call(acme, 'PATCH', '/v1/tenant', { branding: { brandColor: '#ffee00' }, acceptAdjustedColor: true }),
    );
    expect(ok.branding.brandColor).not.toBe('#ffee00');
    const logo = await t.call(acme, 'PATCH', '/v1/tenant', { branding: { logoUrl: 'javascript:alert(1)' } });
    expect((await json(logo)).error.field).toBe('branding.logoUrl');
  });
});

describe('scopes, sessions and CSRF', () => {
  it('enforces scopes per route', async () => {
    const created = await json(await t.call(acme, 'POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] }));
    expect(created.key).toMatch(/^up_live_/);
    const reader = { ...acme, key: created.key };
    expect((await t.call(reader, 'GET', '/v1/components')).status).toBe(200);
    const denied = await t.call(reader, 'POST', '/v1/components', { name: 'x' });
    expect(denied.status).toBe(403);
    expect((await t.call(reader, 'GET', '/v1/api-keys')).status).toBe(403);
    const listed = await json(await t.call(acme, 'GET', '/v1/api-keys'));
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.data.find((k: { id: string }) => k.id === created.id).lastUsedAt).toBeTruthy();
    expect((await t.call(acme, 'DELETE', `/v1/api-keys/${created.id}`)).status).toBe(204);
    expect((await t.call(reader, 'GET', '/v1/components')).status).toBe(401);
  });

  it('logs in with a secure cookie and requires the CSRF token for cookie writes', async () => {
    const login = await t.app.request('/v1/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'acme@example.com', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0] ?? '';
    const { csrfToken } = await json(login);
    const headers = { cookie, 'content-type': 'application/json' };
    expect((await t.app.request('/v1/components', { headers })).status).toBe(200);
    const noToken = await t.app.request('/v1/components', {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'x' }),
    });
    expect(noToken.status).toBe(403);
    expect((await json(noToken)).error.code).toBe('csrf_failed');
    const withToken = await t.app.request('/v1/components', {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'Via dashboard' }),
    });
    expect(withToken.status).toBe(201);
    const wrong = await t.app.request('/v1/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'acme@example.com', password: 'wrong password!' }),
    });
    expect(wrong.status).toBe(401);
    const logout = await t.app.request('/v1/sessions/current', {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(logout.status).toBe(204);
    expect((await t.app.request('/v1/components', { headers })).status).toBe(401);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response and writes nothing twice', async () => {
    const body = { name: 'Idempotent incident', impact: 'minor', body: 'once' };
    const headers = { 'idempotency-key': 'retry-123' };
    const first = await t.call(acme, 'POST', '/v1/incidents', body, headers);
    const second = await t.call(acme, 'POST', '/v1/incidents', body, headers);
    expect(second.status).toBe(first.status);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(second)).id).toBe((await json(first)).id);
    const all = await json(await t.call(acme, 'GET', '/v1/incidents?limit=100'));
    expect(all.data.filter((i: { name: string }) => i.name === 'Idempotent incident')).toHaveLength(1);
    const reused = await t.call(acme, 'POST', '/v1/incidents', { ...body, body: 'different' }, headers);
    expect(reused.status).toBe(409);
    expect((await json(reused)).error.code).toBe('idempotency_conflict');
  });
});

describe('Idempotency-Key and secrets', () => {
  it('never stores a secret of a replayable response: the replay withholds it and says so', async () => {
    // Prepare
    const headers = { 'idempotency-key': 'key-create-1' };
    const body = { name: 'CI key', scopes: ['read'] };
    // Act
    const first = await json(await t.call(acme, 'POST', '/v1/api-keys', body, headers));
    const replay = await t.call(acme, 'POST', '/v1/api-keys', body, headers);
    // Assess: the first response shows the key once; the stored copy and the replay do not
    expect(first.key).toMatch(/^up_live_/);
    const replayed = await json(replay);
    expect(replayed.id).toBe(first.id);
    expect(replayed.key).toBeNull();
    expect(replay.headers.get('idempotent-redacted')).toBe('key');
    const owner = await t.store.apiKeys.getByHash(sha256(acme.key));
    const who = { tenantId: acme.tenantId, author: { kind: 'api_key' as const, id: owner?.id ?? '' } };
    const fingerprint = requestFingerprint(who, 'POST', '/v1/api-keys', JSON.stringify(body));
    const claim = await t.store.idempotency.claim(principalId(who), 'key-create-1', fingerprint, 'probe');
    const stored = claim.owned ? undefined : claim.record;
    expect(stored?.state).toBe('done');
    expect(stored?.body).not.toContain(first.key);
    expect(stored?.redacted).toEqual(['key']);
    const all = await json(await t.call(acme, 'GET', '/v1/api-keys'));
    expect(all.data.filter((k: { name: string }) => k.name === 'CI key')).toHaveLength(1);
  });

  it('redacts nested secrets wherever they are', () => {
    const { body, redacted } = redactSecrets(
      JSON.stringify({
        tenant: { id: 't' },
        apiKey: { id: 'k', key: 'up_live_abc' },
        csrfToken: 'c',
        list: [{ heartbeatUrl: 'https://x' }],
      }),
    );
    expect(JSON.parse(body)).toEqual({
      tenant: { id: 't' },
      apiKey: { id: 'k', key: null },
      csrfToken: null,
      list: [{ heartbeatUrl: null }],
    });
    expect(redacted).toEqual(['apiKey.key', 'csrfToken', 'list.0.heartbeatUrl']);
    expect(body).not.toContain('up_live_abc');
    expect(redactSecrets(JSON.stringify({ key: 'status-page', other: 1 })).redacted).toEqual([]);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the per-key limit', async () => {
    const limited = await createTestApp({ config: { rateLimitPerMinute: 3 } });
    const tenant = await limited.signup('limited');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.call(tenant, 'GET', '/v1/components')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await limited.call(tenant, 'GET', '/v1/components');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(res)).error.code).toBe('rate_limited');
  });
});

describe('custom domains', () => {
  it('gives the TXT record, refuses to verify without it, verifies through the resolver', async () => {
    const added = await json(await t.call(acme, 'POST', '/v1/domains', { domain: 'Status.Acme-Corp.com' }));
    expect(added).toMatchObject({
      domain: 'status.acme-corp.com',
      status: 'pending',
      txtRecordName: '_upstate-challenge.status.acme-corp.com',
    });
    expect(await t.store.domains.getVerifiedByDomain('status.acme-corp.com')).toBeUndefined();
    expect((await json(await t.call(acme, 'POST', '/v1/domains/status.acme-corp.com/verify'))).status).toBe('pending');
    t.txt.set(added.txtRecordName, [[added.txtRecordValue]]);
    expect((await json(await t.call(acme, 'POST', '/v1/domains/status.acme-corp.com/verify'))).status).toBe('verified');
    expect((await t.store.domains.getVerifiedByDomain('status.acme-corp.com'))?.tenantId).toBe(acme.tenantId);
    const other = await t.signup();
    const stolen = await t.call(other, 'POST', '/v1/domains', { domain: 'status.acme-corp.com' });
    expect(stolen.status).toBe(409);
  });
});

describe('CDN provisioning of domains', () => {
  it('provisions the platform subdomain at sign-up, and a custom domain only once, before it counts as verified', async () => {
    // Prepare: a provisioner that records calls and fails its first custom-domain attempt
    const calls: string[] = [];
    let failNext = true;
    const p = await createTestApp({
      domainProvisioner: {
        async onVerified(tenantId, domain) {
          calls.push(`verified ${tenantId} ${domain}`);
          if (domain === 'status.provisioned.test' && failNext) {
            failNext = false;
            throw new AppError('conflict', 'CloudFront is busy', { field: 'domain' });
          }
        },
        async onRemoved(tenantId, domain) {
          calls.push(`removed ${tenantId} ${domain}`);
        },
      },
    });
    // Act: sign up
    const tenant = await p.signup('provisioned');
    // Assess: the page's own subdomain got its distribution tenant
    expect(calls).toEqual([`verified ${tenant.tenantId} provisioned.localhost:8080`]);

    const added = await json(await p.call(tenant, 'POST', '/v1/domains', { domain: 'status.provisioned.test' }));
    p.txt.set(added.txtRecordName, [[added.txtRecordValue]]);
    // Act: the first verify finds the record but provisioning fails
    const failed = await p.call(tenant, 'POST', '/v1/domains/status.provisioned.test/verify');
    // Assess: the error surfaces and the domain stays pending (never routed without its CDN tenant)
    expect(failed.status).toBe(409);
    expect(await p.store.domains.getVerifiedByDomain('status.provisioned.test')).toBeUndefined();
    // Act: verify again, then once more
    expect((await json(await p.call(tenant, 'POST', '/v1/domains/status.provisioned.test/verify'))).status).toBe(
      'verified',
    );
    expect((await json(await p.call(tenant, 'POST', '/v1/domains/status.provisioned.test/verify'))).status).toBe(
      'verified',
    );
    // Assess: provisioned twice (the failed try and the retry), not again once verified
    expect(calls.filter((c) => c.includes('status.provisioned.test'))).toEqual([
      `verified ${tenant.tenantId} status.provisioned.test`,
      `verified ${tenant.tenantId} status.provisioned.test`,
    ]);
  });
});

describe('maintenance and monitors', () => {
  it('schedules maintenance that starts and completes automatically', async () => {
    const soon = new Date(Date.now() - 60_000).toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const m = await json(
      await t.call(acme, 'POST', '/v1/maintenances', {
        name: 'DB upgrade',
        scheduledFor: soon,
        scheduledUntil: later,
        body: 'Upgrading',
      }),
    );
    expect(m.status).toBe('in_progress');
    const bad = await t.call(acme, 'POST', '/v1/maintenances', {
      name: 'x',
      scheduledFor: later,
      scheduledUntil: soon,
      body: 'b',
    });
    expect((await json(bad)).error.field).toBe('scheduledUntil');
    const back = await t.call(acme, 'POST', `/v1/maintenances/${m.id}/updates`, { status: 'scheduled', body: 'back' });
    expect(back.status).toBe(409);
    const done = await json(
      await t.call(acme, 'POST', `/v1/maintenances/${m.id}/updates`, { status: 'completed', body: 'Done' }),
    );
    expect(done.status).toBe('completed');
  });

  it('creates a heartbeat monitor with a secret ping URL that records pings', async () => {
    const component = await json(await t.call(acme, 'POST', '/v1/components', { name: 'Nightly jobs' }));
    const monitor = await json(
      await t.call(acme, 'POST', '/v1/monitors', {
        componentId: component.id,
        name: 'Backup job',
        config: { kind: 'heartbeat', graceSeconds: 300 },
        intervalSeconds: 3600,
      }),
    );
    const path = new URL(monitor.heartbeatUrl).pathname;
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(200);
    expect((await t.app.request(`/v1/heartbeats/${'a'.repeat(48)}`, { method: 'POST' })).status).toBe(404);
    const listed = await json(await t.call(acme, 'GET', '/v1/monitors'));
    expect(JSON.stringify(listed)).not.toContain(path.split('/').at(-1));
  });
});

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3.1 document', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/incidents', '/v1/incidents/{id}/updates', '/v1/signup']),
    );
  });
});
