import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, createHarness, fieldError, formError, type Harness } from '../test/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/** A browser signed in with an API session cookie (from the test app's invite helper). */
function as(cookie: string) {
  const b = new Browser(h.api, h.mailer);
  const [name, value] = cookie.split('=') as [string, string];
  b.cookies.set(name, value);
  return b;
}

async function ownerOf(slug: string) {
  const b = h.browser();
  await b.signup(slug);
  const login = await h.api.request('/v1/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${slug}@example.com`, password: 'correct horse battery' }),
  });
  const session = (await login.json()) as { tenantId: string; csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { b, tenant: { key: '', tenantId: session.tenantId, slug, cookie, csrfToken: session.csrfToken } };
}

describe('team pages', () => {
  it('invites through the Team form, and the invitee joins through the emailed link', async () => {
    const { b } = await ownerOf(h.uniqueSlug('team-form'));
    await b.get('/dashboard/team');
    const bad = await b.post('/dashboard/team/invites', { email: 'not an email', role: 'editor' });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.html, 'email')).toMatch(/valid email/);
    const sent = await b.post('/dashboard/team/invites', { email: 'joiner@example.com', role: 'editor' });
    expect(sent.location).toContain('notice=invite-sent');
    const joiner = h.browser();
    const token = h.mailer.linkTo('joiner@example.com', '/invite');
    const landing = await joiner.get(`/dashboard/invite?token=${token}`);
    expect(landing.html).toContain('editor (incidents, maintenance, components and monitors)');
    const short = await joiner.request('POST', '/dashboard/invite', { token, password: 'short' });
    expect(fieldError(short.html, 'password')).toMatch(/at least 10/);
    const joined = await joiner.request('POST', '/dashboard/invite', { token, password: 'joiner password' });
    expect(joined.location).toContain('notice=joined');
    const overview = await joiner.get('/dashboard');
    expect(overview.html).toContain('Your role: editor');
    // Re-using the link is refused with a clear page.
    const again = await h.browser().get(`/dashboard/invite?token=${token}`);
    expect(again.status).toBe(410);
    expect(again.html).toContain('expired or was already used');
  });

  it('tells an editor why branding cannot be saved, and shows viewers no team controls', async () => {
    const { tenant } = await ownerOf(h.uniqueSlug('editor'));
    const editor = as((await h.addMember(tenant, 'editor')).cookie);
    await editor.get('/dashboard/branding');
    const refused = await editor.post('/dashboard/branding', { brandColor: '#0f766e' });
    expect(refused.status).toBe(403);
    expect(formError(refused.html) ?? refused.html).toMatch(/Your role \(editor\) may not change settings, branding/);
    const viewer = as((await h.addMember(tenant, 'viewer')).cookie);
    const team = await viewer.get('/dashboard/team');
    expect(team.status).toBe(200);
    expect(team.html).not.toContain('Send invite');
    expect(team.html).not.toContain('/remove');
    const keys = await viewer.get('/dashboard/api-keys');
    expect(keys.status).toBe(403);
    expect(keys.html).toContain('Your role (viewer) may not change settings, branding, keys and domains');
  });

  it('switches between the tenants of one person', async () => {
    const first = await ownerOf(h.uniqueSlug('first'));
    const second = await ownerOf(h.uniqueSlug('second'));
    await second.b.get('/dashboard/team');
    await second.b.post('/dashboard/team/invites', { email: `${first.tenant.slug}@example.com`, role: 'viewer' });
    const token = h.mailer.linkTo(`${first.tenant.slug}@example.com`, '/invite');
    await first.b.request('POST', '/dashboard/invite', { token, password: 'correct horse battery' });
    const overview = await first.b.get('/dashboard');
    expect(overview.html).toContain('Switch status page');
    expect(overview.html).toContain(`Company ${second.tenant.slug}`);
    expect(overview.html).toContain('Your role: viewer');
    const back = await first.b.post('/dashboard/switch-tenant', { tenantId: first.tenant.tenantId });
    expect(back.location).toContain('notice=switched');
    expect((await first.b.get('/dashboard')).html).toContain('Your role: owner');
    const foreign = await ownerOf(h.uniqueSlug('foreign'));
    const refused = await first.b.post('/dashboard/switch-tenant', { tenantId: foreign.tenant.tenantId });
    expect(refused.status).toBe(404);
  });

  it('sends a member of a team that requires two-factor to account settings until it is on', async () => {
    const { tenant } = await ownerOf(h.uniqueSlug('strict'));
    const member = as((await h.addMember(tenant, 'editor')).cookie);
    await h.api.request('/v1/team', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie: tenant.cookie, 'x-csrf-token': tenant.csrfToken },
      body: JSON.stringify({ requireTwoFactor: true }),
    });
    const blocked = await member.get('/dashboard/incidents');
    expect(blocked.location).toContain('/dashboard/settings?notice=two-factor-required');
    const settings = await member.get(blocked.location ?? '');
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('This team requires two-factor sign-in');
    expect(settings.html).toContain('Set up two-factor');
  });

  it('lets an owner hand over ownership from the Team page, after which they are an admin', async () => {
    const { b, tenant } = await ownerOf(h.uniqueSlug('handover'));
    const member = await h.addMember(tenant, 'editor');
    const admin = as((await h.addMember(tenant, 'admin')).cookie);
    // Admins see no hand-over control; the owner does, listing only members who are not owners.
    expect((await admin.get('/dashboard/team')).html).not.toContain('Hand over ownership');
    const page = await b.get('/dashboard/team');
    expect(page.html).toContain('Hand over ownership');
    const userId = /<option value="([0-9A-Z]{26})">([^<]+) \(editor\)<\/option>/.exec(page.html);
    expect(userId?.[2]).toBe(member.email);
    const done = await b.post('/dashboard/team/ownership', { userId: userId?.[1] ?? '' });
    expect(done.location).toContain('notice=ownership-transferred');
    const after = await b.get(done.location ?? '');
    expect(after.html).toContain('Ownership handed over');
    expect(after.html).not.toContain('Hand over ownership');
    const team = await h.store.teams.get(tenant.tenantId);
    expect(
      Object.values(team?.members ?? {})
        .map((m) => [m.email, m.role])
        .sort(),
    ).toEqual(
      [
        [`${tenant.slug}@example.com`, 'admin'],
        [member.email, 'owner'],
        [expect.any(String), 'admin'],
      ].sort(),
    );
  });

  it('filters the audit log by API key as well as by member, for admins and viewers alike', async () => {
    const { b, tenant } = await ownerOf(h.uniqueSlug('audit-keys'));
    const headers = { 'content-type': 'application/json', cookie: tenant.cookie, 'x-csrf-token': tenant.csrfToken };
    const created = await h.api.request('/v1/api-keys', {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'deploy-bot', scopes: ['components'] }),
    });
    const key = (await created.json()) as { id: string; key: string };
    await h.api.request('/v1/components', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
      body: JSON.stringify({ name: 'Made by the bot' }),
    });
    const page = await b.get('/dashboard/audit');
    expect(page.html).toMatch(
      new RegExp(`<optgroup label="API keys">.*<option value="${key.id}">deploy-bot \\(up_live_`),
    );
    const filtered = await b.get(`/dashboard/audit?author=${key.id}`);
    expect(filtered.html).toContain('component.created');
    expect(filtered.html).not.toContain('api_key.created');
    // A viewer cannot list keys, yet the keys named by the entries they read are offered.
    const viewer = as((await h.addMember(tenant, 'viewer')).cookie);
    const seen = await viewer.get('/dashboard/audit');
    expect(seen.html).toContain(`<option value="${key.id}">deploy-bot</option>`);
  });
});
