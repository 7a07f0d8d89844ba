import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, createHarness, fieldError, formError, type Harness } from '../test/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('sign up', () => {
  it('creates the tenant, starts an HttpOnly session and shows the first API key once', async () => {
    const b = h.browser();
    const slug = h.uniqueSlug('signup');
    const started = await b.request('POST', '/dashboard/signup', {
      name: 'Acme <Cloud>',
      slug,
      email: `${slug}@example.com`,
      password: 'correct horse battery',
    });
    // Nothing exists before the address is confirmed; the page says to check the mailbox.
    expect(started.status).toBe(202);
    expect(started.html).toContain('Check your email');
    expect(started.headers.get('set-cookie')).toBeNull();
    expect(await h.store.tenants.getBySlug(slug)).toBeUndefined();
    const token = h.mailer.linkTo(`${slug}@example.com`, '/verify');
    // Opening the link only shows a button (mail scanners prefetch links); the POST spends it.
    const landing = await b.get(`/dashboard/verify?token=${token}`);
    expect(landing.html).toContain('Confirm and create my page');
    expect(await h.store.tenants.getBySlug(slug)).toBeUndefined();
    const res = await b.request('POST', '/dashboard/verify', { token });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(/upstate_session=[^;]+;.*HttpOnly/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const key = /<code class="secret"[^>]*>(up_live_[0-9a-f]{48})<\/code>/.exec(res.html)?.[1];
    expect(key).toBeDefined();
    const tenant = await h.store.tenants.getBySlug(slug);
    expect(tenant?.tenant.name).toBe('Acme <Cloud>');

    const overview = await b.get('/dashboard');
    expect(overview.status).toBe(200);
    // Tenant text is escaped in the page; the secret is never shown again.
    expect(overview.html).toContain('Acme &lt;Cloud&gt;');
    expect(overview.html).not.toContain('Acme <Cloud>');
    expect(overview.html).not.toContain(key);
    expect((await b.get('/dashboard/api-keys')).html).not.toContain(key);
  });

  it('shows each bad field next to the field and creates nothing', async () => {
    const b = h.browser();
    const slug = h.uniqueSlug('bad');
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ slug: 'Not A Slug' }, 'slug', /lowercase/],
      [{ slug: 'dashboard' }, 'slug', /reserved/i],
      [{ email: 'not-an-email' }, 'email', /valid email/],
      [{ password: 'short' }, 'password', /at least 10/],
      [{ name: '' }, 'name', /required/],
    ];
    for (const [override, field, message] of cases) {
      const res = await b.request('POST', '/dashboard/signup', {
        name: 'Bad Co',
        slug,
        email: `${slug}@example.com`,
        password: 'correct horse battery',
        ...override,
      });
      expect(res.status, field).toBe(400);
      expect(fieldError(res.html, field), field).toMatch(message);
      expect(res.headers.get('set-cookie')).toBeNull();
      // The typed values come back (never the password) so the user only fixes the one field.
      expect(res.html).not.toContain('correct horse battery');
    }
    expect(await h.store.tenants.getBySlug(slug)).toBeUndefined();
    expect(await h.store.users.getByEmail(`${slug}@example.com`)).toBeUndefined();
  });

  it('says a taken page address is taken, next to the slug', async () => {
    const first = h.browser();
    const slug = h.uniqueSlug('taken');
    await first.signup(slug);
    const res = await h.browser().request('POST', '/dashboard/signup', {
      name: 'Copycat',
      slug,
      email: `other-${slug}@example.com`,
      password: 'correct horse battery',
    });
    expect(res.status).toBe(409);
    expect(fieldError(res.html, 'slug')).toMatch(/taken/);
    expect(await h.store.users.getByEmail(`other-${slug}@example.com`)).toBeUndefined();
  });
});

describe('log in and out', () => {
  let slug: string;
  beforeAll(async () => {
    slug = h.uniqueSlug('login');
    await h.browser().signup(slug);
  });

  it('logs in and follows only local next paths', async () => {
    const b = h.browser();
    const login = await b.request('POST', '/dashboard/login', {
      email: `${slug}@example.com`,
      password: 'correct horse battery',
      next: '/dashboard/incidents',
    });
    expect(login.status).toBe(303);
    expect(login.location).toBe('/dashboard/incidents');
    expect((await b.get('/dashboard/incidents')).status).toBe(200);
    // Signed in, the login page sends you on.
    expect((await b.get('/dashboard/login')).location).toBe('/dashboard');

    for (const next of ['https://evil.example/', '//evil.example/dashboard/', '/elsewhere']) {
      const again = await h.browser().request('POST', '/dashboard/login', {
        email: `${slug}@example.com`,
        password: 'correct horse battery',
        next,
      });
      expect(again.location).toBe('/dashboard');
    }
  });

  it('shows a wrong password next to the password field and starts no session', async () => {
    const b = h.browser();
    const res = await b.request('POST', '/dashboard/login', {
      email: `${slug}@example.com`,
      password: 'wrong password!',
    });
    expect(res.status).toBe(401);
    expect(fieldError(res.html, 'password')).toBe('Wrong email or password');
    expect(b.cookies.size).toBe(0);
    expect((await b.get('/dashboard')).status).toBe(303);
  });

  it('sends signed-out visitors to the login page', async () => {
    const res = await h.browser().get('/dashboard/components');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dashboard/login?next=%2Fdashboard%2Fcomponents');
  });

  it('logs out: the session is gone on the server, not just the cookie', async () => {
    const b = h.browser();
    await b.request('POST', '/dashboard/login', { email: `${slug}@example.com`, password: 'correct horse battery' });
    const cookie = b.cookies.get('upstate_session');
    await b.get('/dashboard');
    const out = await b.post('/dashboard/logout');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/dashboard/login?notice=signed-out');
    expect((await b.get('/dashboard/login?notice=signed-out')).html).toContain('You are signed out.');
    // Replaying the old cookie does not get back in.
    const replay: Browser = h.browser();
    replay.cookies.set('upstate_session', cookie ?? '');
    expect((await replay.get('/dashboard')).status).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses writes without the session’s token and saves nothing', async () => {
    const b = h.browser();
    const slug = h.uniqueSlug('csrf');
    await b.signup(slug);
    const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    for (const token of [undefined, 'forged-token', `${b.csrf}x`]) {
      const form: Record<string, string> = { name: 'Sneaky', status: 'operational', showUptime: 'on' };
      if (token !== undefined) form._csrf = token;
      const res = await b.request('POST', '/dashboard/components', form);
      expect(res.status).toBe(403);
      expect(formError(res.html)).toMatch(/expired/);
    }
    expect(await h.store.components.list(tenantId)).toHaveLength(0);

    // Logging out needs the token too, so a forged form cannot sign someone out.
    const out = await b.request('POST', '/dashboard/logout', { _csrf: 'forged' });
    expect(out.status).toBe(403);
    expect((await b.get('/dashboard')).status).toBe(200);
  });

  it('refuses cross-site form posts before anything runs, including login', async () => {
    const b = h.browser();
    await b.signup(h.uniqueSlug('origin'));
    const garbled = await b.post('/dashboard/components', { name: 'Garbled' }, { origin: 'not a url' });
    expect(garbled.status).toBe(403);
    const cross = await b.post('/dashboard/components', { name: 'From elsewhere' }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const fetchSite = await b.post(
      '/dashboard/components',
      { name: 'From elsewhere' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(fetchSite.status).toBe(403);
    const login = await h
      .browser()
      .request(
        'POST',
        '/dashboard/login',
        { email: 'a@example.com', password: 'whatever123' },
        { origin: 'https://evil.example', host: 'localhost' },
      );
    expect(login.status).toBe(403);
  });
});
