import { createApp, recordingPublishTrigger } from '@upstate/api';
import { recordingMailer } from '@upstate/api/testing';
import type { Store } from '@upstate/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, createHarness, type Harness } from '../test/harness.ts';
import { assets } from './assets.ts';
import { createDashboard } from './index.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('the mounted app', () => {
  it('serves its CSS and script under content-hashed names, cached forever', async () => {
    const b = h.browser();
    const login = await b.get('/dashboard/login');
    expect(login.html).toContain(`href="/dashboard/assets/${assets.css.path}"`);
    expect(login.html).toContain(`src="/dashboard/assets/${assets.js.path}"`);
    expect(assets.css.path).toMatch(/^app\.[0-9a-f]{12}\.css$/);
    const css = await b.get(`/dashboard/assets/${assets.css.path}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await b.get('/dashboard/assets/app.css')).status).toBe(303);
  });

  it('sends a strict CSP and no-store on pages, and redirects the trailing-slash overview', async () => {
    const b = h.browser();
    const login = await b.get('/dashboard/login');
    const csp = login.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    const slash = await b.get('/dashboard/');
    expect(slash.location).toBe('/dashboard');
  });

  it('tells the tenant when its page domain is not on the CDN yet, and stops once provisioning succeeded', async () => {
    // Prepare: a sign-up whose page domain failed to provision (queued for the reconciler).
    const b = h.browser();
    const slug = h.uniqueSlug('cdn');
    await b.signup(slug);
    const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    await h.store.provisioning.recordFailure(tenantId, `${slug}.localhost`, 'Error: internal <detail>');

    // Act + Assess: every page shows it, without the operator-side reason.
    const pending = await b.get('/dashboard');
    expect(pending.html).toContain(`${slug}.localhost is not live yet.`);
    expect(pending.html).toContain('1 attempt so far');
    expect(pending.html).not.toContain('internal');
    await h.store.provisioning.resolve(tenantId, `${slug}.localhost`);
    expect((await b.get('/dashboard')).html).not.toContain('data-cdn-pending');
  });

  it('refuses oversized forms before they reach the API', async () => {
    const b = h.browser();
    const slug = h.uniqueSlug('big');
    await b.signup(slug);
    await b.get('/dashboard/components');
    const res = await b.post('/dashboard/components', { name: 'Big', description: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    expect(await h.store.components.list(tenantId)).toHaveLength(0);
  });

  it('shows an HTML error page, not the API’s JSON, when something breaks', async () => {
    // A store that fails every call: the preview snapshot cannot load.
    const broken = new Proxy({} as Store, {
      get: () =>
        new Proxy(
          {},
          {
            get: () => async () => {
              throw new Error('store down');
            },
          },
        ),
    });
    // Routes cannot be added to an app that has served requests: a fresh API app on the same table.
    const mailer = recordingMailer();
    const api = createApp({
      store: h.store,
      publishTrigger: recordingPublishTrigger(),
      dnsResolver: { resolveTxt: async () => [] },
      mailer,
    });
    api.route('/dashboard', createDashboard({ api, store: h.store }));
    api.route('/broken', createDashboard({ api, store: broken, config: { basePath: '/broken' } }));
    const b = new Browser(api, mailer);
    await b.signup(h.uniqueSlug('broken'));
    const res = await b.get('/broken/branding/preview');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.html).toContain('Something went wrong');
    expect(res.html).not.toContain('store down');
    // The same session works on the dashboard mounted at another base path.
    expect((await b.get('/broken/components')).html).toContain('href="/broken/incidents"');
  });
});
