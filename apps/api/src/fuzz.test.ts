import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzRoute,
  fillPath,
  fuzzBody,
  fuzzHeaders,
  fuzzQuery,
  jsonValue,
  openApiRoutes,
  pathParam,
  sendableHeaders,
} from './fuzzing.ts';
import { createTestApp, type TestTenant } from './testing.ts';

// Thousands of malformed requests: none may answer 5xx, and none that answers 4xx may write.

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
let incidentId = '';
let componentId = '';

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('fuzz');
  componentId = ((await (await t.call(tenant, 'POST', '/v1/components', { name: 'API' })).json()) as { id: string }).id;
  incidentId = (
    (await (await t.call(tenant, 'POST', '/v1/incidents', { name: 'i', impact: 'minor', body: 'b' })).json()) as {
      id: string;
    }
  ).id;
});

async function fingerprint() {
  const state = await t.store.publish.get(tenant.tenantId);
  const audit = await t.store.audit.list(tenant.tenantId, { limit: 1 });
  return `${state.contentVersion}:${audit.items[0]?.id}`;
}

const targets = () =>
  [
    ['POST', '/v1/components'],
    ['PATCH', `/v1/components/${componentId}`],
    ['POST', '/v1/incidents'],
    ['POST', `/v1/incidents/${incidentId}/updates`],
    ['POST', `/v1/incidents/${incidentId}/resolve`],
    ['POST', '/v1/maintenances'],
    ['PATCH', '/v1/tenant'],
    ['POST', '/v1/api-keys'],
    ['POST', '/v1/domains'],
    ['POST', '/v1/monitors'],
    ['PUT', '/v1/component-order'],
    ['POST', '/v1/signup'],
    ['POST', '/v1/sessions'],
  ] as const;

const rawBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v) ?? 'null'),
  fc.string(),
  fc.constantFrom('{', '[]', '{"name":', 'null', '', '{"name":"\u0000"}'),
);

describe('fuzzing the routes', () => {
  it('never answers 5xx and never writes on a 4xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: targets().length - 1 }), rawBody, async (i, body) => {
        const [method, path] = targets()[i] ?? ['POST', '/v1/components'];
        const before = await fingerprint();
        const res = await t.call(tenant, method, path, body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const error = ((await res.json()) as { error: { code: string } }).error;
          expect(typeof error.code).toBe('string');
          expect(await fingerprint()).toBe(before);
        }
      }),
      // The no-write check reads the store around every request; the 10 000-request sweep below covers breadth.
      { numRuns: 300 },
    );
    // The generator must actually reach the validators, not just bounce off auth.
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
  }, 240_000);
});

// Every operation of the OpenAPI document, with hostile path parameters, cursors, limits and headers,
// and JSON, form, multipart and garbage bodies under right and wrong content types, as an admin key,
// a read-only key, a dashboard session (with and without its CSRF token) and nobody.
describe('fuzzing every route of the OpenAPI document', () => {
  it('answers at least 10 000 hostile requests without a single 5xx', async () => {
    // Prepare: one of everything, so known ids reach the handlers, and real cursors of each listing
    const sweep = await createTestApp({ config: { rateLimitPerMinute: 1_000_000_000, monitorsPerTenant: 1_000 } });
    const owner = await sweep.signup('sweep');
    const api = async (method: string, path: string, body?: unknown) =>
      (await (await sweep.call(owner, method, path, body)).json()) as Record<string, any>;
    const component = await api('POST', '/v1/components', { name: 'API' });
    const group = await api('POST', '/v1/component-groups', { name: 'Core' });
    const incident = await api('POST', '/v1/incidents', { name: 'i', impact: 'minor', body: 'b' });
    await api('POST', `/v1/incidents/${incident.id}/updates`, { status: 'identified', body: 'found it' });
    const updateId = ((await api('GET', `/v1/incidents/${incident.id}`)).updates?.[0]?.id as string) ?? 'u';
    const maintenance = await api('POST', '/v1/maintenances', {
      name: 'm',
      componentIds: [component.id],
      scheduledFor: '2030-01-01T00:00:00Z',
      scheduledUntil: '2030-01-01T01:00:00Z',
      body: 'planned',
    });
    const monitor = await api('POST', '/v1/monitors', {
      componentId: component.id,
      name: 'hb',
      config: { kind: 'heartbeat', graceSeconds: 60 },
    });
    await api('POST', '/v1/domains', { domain: 'status.sweep-owner.com' });
    const reader = await api('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    for (let i = 0; i < 3; i++) await api('POST', '/v1/incidents', { name: `n${i}`, impact: 'none', body: 'b' });
    const cursors = [
      (await api('GET', '/v1/incidents?limit=1')).nextCursor,
      (await api('GET', '/v1/audit-log?limit=1')).nextCursor,
    ].filter((c): c is string => typeof c === 'string');
    const token = new URL(monitor.heartbeatUrl).pathname.split('/').at(-1) ?? '';
    const known: string[] = [
      component.id,
      group.id,
      incident.id,
      updateId,
      maintenance.id,
      monitor.id,
      reader.id,
      token,
      'status.sweep-owner.com',
    ];
    const doc = (await (await sweep.app.request('/openapi.json')).json()) as Parameters<typeof openApiRoutes>[0];
    // The document's operations, plus the routes that serve the document itself.
    const routes: FuzzRoute[] = [
      ...openApiRoutes(doc),
      { method: 'GET', path: '/openapi.json' },
      { method: 'GET', path: '/docs' },
      { method: 'GET', path: '/healthz' },
    ];
    expect(routes.length).toBeGreaterThan(40);

    const credentials: Record<string, Record<string, string>> = {
      admin: { authorization: `Bearer ${owner.key}` },
      reader: { authorization: `Bearer ${reader.key}` },
      session: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      'session-no-csrf': { cookie: owner.cookie },
      'bad-bearer': { authorization: 'Bearer up_live_nope' },
      none: {},
    };
    // The fuzz may log the session out or revoke the read key; both come back after the batch,
    // so the sweep keeps reaching the handlers instead of bouncing off 401.
    const restore = async () => {
      if ((await sweep.app.request('/v1/tenant', { headers: credentials['session-no-csrf'] })).status === 401) {
        const login = await sweep.app.request('/v1/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'sweep@example.com', password: 'correct horse battery' }),
        });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        const { csrfToken } = (await login.json()) as { csrfToken: string };
        credentials.session = { cookie, 'x-csrf-token': csrfToken };
        credentials['session-no-csrf'] = { cookie };
      }
      if ((await sweep.app.request('/v1/tenant', { headers: credentials.reader })).status === 401) {
        const fresh = await api('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
        credentials.reader = { authorization: `Bearer ${fresh.key}` };
      }
    };
    const request = fc.record({
      route: fc.constantFrom(...routes),
      otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), {
        freq: 10,
      }),
      params: fc.array(pathParam(known), { minLength: 3, maxLength: 3 }),
      encode: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      query: fuzzQuery(cursors),
      body: fuzzBody(owner.csrfToken),
      headers: fuzzHeaders,
      who: fc.constantFrom(...Object.keys(credentials)),
    });

    let sent = 0;
    const statuses = new Map<number, number>();
    // Act: batches of 20 concurrent requests
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 20, maxLength: 20 }), async (batch) => {
        await restore();
        await Promise.all(
          batch.map(async (r) => {
            const method = r.otherMethod ?? r.route.method;
            const path = `${fillPath(r.route.path, r.params, r.encode)}${r.query}`;
            const withBody = !['GET', 'HEAD'].includes(method) && r.body.body !== undefined;
            const res = await sweep.app.request(path, {
              method,
              headers: sendableHeaders({
                ...credentials[r.who],
                ...r.headers,
                ...(withBody && r.body.contentType ? { 'content-type': r.body.contentType } : {}),
              }),
              ...(withBody ? { body: r.body.body as RequestInit['body'] } : {}),
            });
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            // Assess: never a 5xx; every API error names a machine-readable code
            expect(res.status, `${method} ${path} (${r.body.kind}, ${r.who})`).toBeLessThan(500);
            if (res.status >= 400 && method !== 'HEAD' && path.startsWith('/v1/')) {
              const error = ((await res.json()) as { error?: { code?: unknown } }).error;
              expect(typeof error?.code, `${method} ${path}`).toBe('string');
            }
          }),
        );
      }),
      { numRuns: 500 },
    );
    console.log(
      `fuzz: ${sent} requests over ${routes.length} OpenAPI operations, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    // Assess: the sweep reached the validators and the handlers, not only the auth check
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
  }, 240_000);
});
