import { describe, expect, it } from 'vitest';
import { createTestApp } from './testing.ts';

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('concurrency semantics (documented in the OpenAPI document)', () => {
  it('50 concurrent appends with no version all land: 50 × 201, 50 entries', async () => {
    // Prepare
    const t = await createTestApp();
    const acme = await t.signup();
    const created = await json(
      await t.call(acme, 'POST', '/v1/incidents', { name: 'Outage', impact: 'major', body: 'Down' }),
    );
    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.call(acme, 'POST', `/v1/incidents/${created.id}/updates`, { status: 'identified', body: `update ${i}` }),
      ),
    );
    // Assess
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const incident = await json(await t.call(acme, 'GET', `/v1/incidents/${created.id}`));
    const bodies = incident.updates.map((u: { body: string }) => u.body);
    for (let i = 0; i < 50; i++) expect(bodies).toContain(`update ${i}`);
    expect(incident.updates).toHaveLength(51);
    expect(incident.version).toBe(51);
  }, 60_000);

  it('20 concurrent maintenance updates with no version all land', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const m = await json(
      await t.call(acme, 'POST', '/v1/maintenances', {
        name: 'Upgrade',
        scheduledFor: '2030-01-01T10:00:00.000Z',
        scheduledUntil: '2030-01-01T12:00:00.000Z',
        body: 'Planned',
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.call(acme, 'POST', `/v1/maintenances/${m.id}/updates`, { status: 'in_progress', body: `step ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const stored = await json(await t.call(acme, 'GET', `/v1/maintenances/${m.id}`));
    expect(stored.updates).toHaveLength(21);
  }, 60_000);

  it('a stale If-Match gets 409 conflict naming If-Match; a current one applies and returns the new ETag', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const created = await t.call(acme, 'POST', '/v1/incidents', { name: 'Outage', impact: 'major', body: 'Down' });
    const id = (await json(created)).id;
    const got = await t.call(acme, 'GET', `/v1/incidents/${id}`);
    const tag = got.headers.get('etag');
    expect(tag).toBe('"1"');
    // Someone else appends first
    await t.call(acme, 'POST', `/v1/incidents/${id}/updates`, { status: 'identified', body: 'Found' });
    const stale = await t.call(
      acme,
      'POST',
      `/v1/incidents/${id}/updates`,
      { status: 'monitoring', body: 'Fix' },
      { 'if-match': tag ?? '' },
    );
    expect(stale.status).toBe(409);
    expect((await json(stale)).error).toMatchObject({ code: 'conflict', field: 'If-Match' });
    const fresh = await t.call(
      acme,
      'POST',
      `/v1/incidents/${id}/updates`,
      { status: 'monitoring', body: 'Fix' },
      { 'if-match': '"2"' },
    );
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('etag')).toBe('"3"');
    const garbled = await t.call(
      acme,
      'POST',
      `/v1/incidents/${id}/updates`,
      { status: 'monitoring', body: 'x' },
      { 'if-match': 'three' },
    );
    expect(garbled.status).toBe(400);
    expect((await json(garbled)).error.field).toBe('If-Match');
    // The same answer for PATCH of a component
    const component = await json(await t.call(acme, 'POST', '/v1/components', { name: 'API' }));
    await t.call(acme, 'PATCH', `/v1/components/${component.id}`, { name: 'API v2' });
    const stalePatch = await t.call(
      acme,
      'PATCH',
      `/v1/components/${component.id}`,
      { description: 'x' },
      { 'if-match': '"1"' },
    );
    expect(stalePatch.status).toBe(409);
    expect((await json(stalePatch)).error.field).toBe('If-Match');
  });

  it('a PATCH without If-Match changes only the fields sent: a concurrent status set is kept', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const component = await json(await t.call(acme, 'POST', '/v1/components', { name: 'API' }));
    const incident = await json(
      await t.call(acme, 'POST', '/v1/incidents', { name: 'Outage', impact: 'major', body: 'Down' }),
    );
    // An incident sets the status and a person renames, at once
    const [update, rename] = await Promise.all([
      t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, {
        status: 'identified',
        body: 'Found',
        components: [{ componentId: component.id, status: 'major_outage' }],
      }),
      t.call(acme, 'PATCH', `/v1/components/${component.id}`, { name: 'Public API' }),
    ]);
    expect([update.status, rename.status]).toEqual([201, 200]);
    const stored = await json(await t.call(acme, 'GET', `/v1/components/${component.id}`));
    expect(stored).toMatchObject({ name: 'Public API', status: 'major_outage' });
  });

  it('a monitor PATCH never undoes a run the checker recorded after the client read it', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const component = await json(await t.call(acme, 'POST', '/v1/components', { name: 'API' }));
    const monitor = await json(
      await t.call(acme, 'POST', '/v1/monitors', {
        componentId: component.id,
        name: 'ping',
        config: { kind: 'heartbeat', graceSeconds: 300 },
      }),
    );
    // The checker records a run right after the PATCH loads the monitor (the race the PATCH must survive)
    const monitors = t.store.monitors;
    const load = monitors.require.bind(monitors);
    monitors.require = async (tenantId, id) => {
      const loaded = await load(tenantId, id);
      monitors.require = load;
      const run = {
        nextRunAt: '2030-01-01T00:00:00.000Z',
        lastResult: 'down' as const,
        consecutiveFailures: 1,
        consecutiveSuccesses: 0,
        verdict: 'operational' as const,
      };
      expect(await monitors.recordRun(loaded, run)).toBe(true);
      return loaded;
    };
    const patched = await t.call(acme, 'PATCH', `/v1/monitors/${monitor.id}`, { failureThreshold: 5 });
    expect(patched.status).toBe(200);
    const stored = await t.store.monitors.require(acme.tenantId, monitor.id);
    expect(stored).toMatchObject({
      failureThreshold: 5,
      lastResult: 'down',
      consecutiveFailures: 1,
      nextRunAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('documents If-Match, ETag and the 409 in the OpenAPI document', async () => {
    const t = await createTestApp();
    const doc = await json(await t.app.request('/openapi.json'));
    const post = doc.paths['/v1/incidents/{id}/updates'].post;
    expect(post.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('header:if-match');
    expect(post.responses['201'].headers.ETag).toBeDefined();
    expect(post.responses['409'].description).toMatch(/If-Match/);
    expect(doc.paths['/v1/incidents/{id}'].get.responses['200'].headers.ETag).toBeDefined();
  });
});
