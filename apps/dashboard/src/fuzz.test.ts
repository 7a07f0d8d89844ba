import { type FuzzRoute, fillPath, fuzzBody, fuzzQuery, pathParam, sendableHeaders } from '@upstate/api/fuzzing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, createHarness, type Harness } from '../test/harness.ts';
import { createDashboard } from './index.ts';

// Issue 14: every form route (and page) of the dashboard, signed in and not, with JSON, form,
// multipart and garbage bodies, wrong content types, hostile path parameters and cursors: never a 5xx.

let h: Harness;
let b: Browser;
const known: string[] = [];
let email = '';

beforeAll(async () => {
  h = await createHarness();
  b = h.browser();
  const slug = h.uniqueSlug('fuzz');
  await b.signup(slug);
  email = `${slug}@example.com`;
  const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
  await b.post('/dashboard/components', { name: 'API', status: 'operational' });
  await b.post('/dashboard/incidents', { name: 'Outage', impact: 'minor', body: 'Looking', status: 'investigating' });
  const [component] = await h.store.components.list(tenantId);
  const incidents = await h.store.incidents.list(tenantId);
  known.push(component?.id ?? 'c', incidents.items[0]?.id ?? 'i', 'status.example.com', 'default', 'x.css');
}, 60_000);

describe('fuzzing the dashboard', () => {
  it('answers thousands of hostile form posts and page loads without a single 5xx', async () => {
    // Prepare: every route the dashboard serves, from its own router
    const routes: FuzzRoute[] = createDashboard({ api: h.api, store: h.store })
      .routes.filter((r) => r.method === 'GET' || r.method === 'POST')
      .filter((r) => !r.path.includes('*'))
      .map((r) => ({ method: r.method, path: `/dashboard${r.path === '/' ? '' : r.path}` }));
    expect(routes.filter((r) => r.method === 'POST').length).toBeGreaterThan(30);
    const cookie = () => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(pathParam(known), { minLength: 3, maxLength: 3 }),
      encode: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      query: fuzzQuery([]),
      body: fuzzBody(b.csrf),
      signedIn: fc.boolean(),
      crossSite: fc.boolean(),
    });
    let sent = 0;
    const statuses = new Map<number, number>();
    // Act
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 10, maxLength: 10 }), async (batch) => {
        // A fuzzed logout ends the session: sign in again so the sweep keeps reaching the forms.
        if ((await b.get('/dashboard')).status !== 200) {
          await b.request('POST', '/dashboard/login', { email, password: 'correct horse battery' });
          await b.get('/dashboard');
        }
        await Promise.all(
          batch.map(async (r) => {
            const path = `${fillPath(r.route.path, r.params, r.encode)}${r.query}`;
            const withBody = r.route.method === 'POST' && r.body.body !== undefined;
            const res = await h.api.request(`http://localhost${path}`, {
              method: r.route.method,
              headers: sendableHeaders({
                ...(r.signedIn ? { cookie: cookie() } : {}),
                ...(r.crossSite ? { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } : {}),
                ...(withBody && r.body.contentType ? { 'content-type': r.body.contentType } : {}),
              }),
              ...(withBody ? { body: r.body.body as RequestInit['body'] } : {}),
            });
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            // Assess
            expect(res.status, `${r.route.method} ${path} (${r.body.kind})`).toBeLessThan(500);
          }),
        );
      }),
      { numRuns: 200 },
    );
    console.log(
      `dashboard fuzz: ${sent} requests over ${routes.length} routes, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(sent).toBeGreaterThanOrEqual(2_000);
    expect([...statuses.keys()].some((s) => s === 200)).toBe(true);
  }, 240_000);
});
