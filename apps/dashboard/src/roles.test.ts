import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, createHarness, type Harness } from '../test/harness.ts';
import { createDashboard } from './index.ts';

// Every dashboard route (from the app's own route list) × every role. The dashboard is a client
// of the API, which decides; so the test watches the real API's answers during each request and
// holds the dashboard to them: when the API refused the member (403 forbidden) the page says so
// with a 403 and the API's message, and otherwise the page never answers 403. Nothing is a 5xx.

let h: Harness;
const seen: { status: number; code?: string; message?: string }[] = [];
let host: Hono;
let routes: { method: string; path: string }[];
const signedOut = new Set(['/signup', '/login', '/verify', '/reset', '/reset/confirm', '/invite']);

beforeAll(async () => {
  h = await createHarness();
  // The same API app, observed: every answer it gives the dashboard is recorded, none is changed.
  const observed = Object.create(h.api, {
    request: {
      value: async (...args: Parameters<typeof h.api.request>) => {
        const res = await h.api.request(...args);
        const body = (await res
          .clone()
          .json()
          .catch(() => null)) as { error?: { code: string; message: string } } | null;
        seen.push({
          status: res.status,
          ...(body?.error ? { code: body.error.code, message: body.error.message } : {}),
        });
        return res;
      },
    },
  }) as typeof h.api;
  const dashboard = createDashboard({ api: observed, store: h.store });
  host = new Hono().route('/dashboard', dashboard);
  routes = dashboard.routes
    .filter(
      (r) => (r.method === 'GET' || r.method === 'POST') && !r.path.includes('*') && !r.path.startsWith('/assets/'),
    )
    .filter((r) => !signedOut.has(r.path))
    .map((r) => ({ method: r.method, path: r.path }));
});

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe('dashboard role × route matrix', () => {
  it('refuses exactly what the API refuses the role, with its message, and never fails', async () => {
    const slug = h.uniqueSlug('roles');
    await h.browser().signup(slug);
    const login = await h.api.request('/v1/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${slug}@example.com`, password: 'correct horse battery' }),
    });
    const session = (await login.json()) as { tenantId: string; csrfToken: string };
    const owner = {
      key: '',
      tenantId: session.tenantId,
      slug,
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      csrfToken: session.csrfToken,
    };
    expect(routes.length).toBeGreaterThan(50);
    const browsers: Record<string, Browser> = {};
    for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
      const cookie = role === 'owner' ? owner.cookie : (await h.addMember(owner, role)).cookie;
      const b = new Browser(host as never, h.mailer);
      const [name, value] = cookie.split('=') as [string, string];
      b.cookies.set(name, value);
      await b.get('/dashboard');
      browsers[role] = b;
    }
    let checked = 0;
    let refusedCount = 0;
    for (const route of routes) {
      const path = `/dashboard${route.path
        .replace(':theme', 'default')
        .replace(':file', 'x.css')
        .replace(':domain', 'nonexistent.example')
        .replace(/:[a-zA-Z]+/g, 'nonexistent')}`;
      for (const [role, b] of Object.entries(browsers)) {
        // Keep every session alive: nothing here may end it or change the team for the next role.
        if (route.path === '/logout' || route.path === '/switch-tenant') continue;
        seen.length = 0;
        const res = route.method === 'GET' ? await b.get(path) : await b.post(path, {});
        const label = `${role} ${route.method} ${route.path}`;
        expect({ label, status: res.status < 500 }).toEqual({ label, status: true });
        const refused = seen.find((s) => s.status === 403 && s.code === 'forbidden');
        if (refused) {
          refusedCount++;
          expect({ label, status: res.status }).toEqual({ label, status: 403 });
          expect({ label, shown: res.html.includes(escapeHtml(refused.message ?? '')) }).toEqual({
            label,
            shown: true,
          });
        } else expect({ label, status: res.status === 403 ? 403 : 'not 403' }).toEqual({ label, status: 'not 403' });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    // Not vacuous: editors and viewers are refused many writes.
    expect(refusedCount).toBeGreaterThan(40);
  }, 240_000);
});
