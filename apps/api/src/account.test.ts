import { scrypt } from 'node:crypto';
import { rolePermissions, scopePermissions } from '@upstate/core';
import { currentTotp } from '@upstate/services/account/totp';
import { beforeAll, describe, expect, it } from 'vitest';
import { routePermissions } from './route-permissions.ts';
import { createTestApp, type TestTenant } from './testing.ts';

type T = Awaited<ReturnType<typeof createTestApp>>;
const post = (t: T, path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.call(null, 'POST', path, body, headers);
const json = async (res: Response) =>
  (await res.json()) as Record<string, unknown> & { error?: { code: string; field?: string } };
const signupBody = (slug: string, email = `${slug}@example.com`) => ({
  name: `Co ${slug}`,
  slug,
  email,
  password: 'correct horse battery',
});

describe('sign-up', () => {
  let t: T;
  beforeAll(async () => {
    t = await createTestApp();
  });

  it('of racing sign-ups for one page address, one wins and every loser gets 409 on slug and leaves nothing', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(t, '/v1/signup', signupBody('race-slug', `racer-${i}@example.com`))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.status === 409))
      expect((await json(r)).error).toMatchObject({ code: 'conflict', field: 'slug' });
    const accounts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.store.users.getByEmail(`racer-${i}@example.com`)),
    );
    expect(accounts.filter(Boolean)).toHaveLength(1);
  });

  it('of racing sign-ups for one email, exactly one account exists and all answer the same', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => post(t, '/v1/signup', signupBody(`same-mail-${i}`, 'same@example.com'))),
    );
    const bodies = await Promise.all(results.map((r) => r.text()));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(bodies).size).toBe(1);
    const user = await t.store.users.getByEmail('same@example.com');
    expect(user?.unverified).toBe(true);
    // Every verification link mailed leads to that one claim; the first opened creates the tenant.
    const res = await post(t, '/v1/signup/verify', { token: t.mailer.linkTo('same@example.com', '/verify') });
    expect(res.status).toBe(201);
    expect((await t.store.tenants.getBySlug(user?.pendingTenant?.slug ?? ''))?.tenant.id).toBe(user?.pendingTenant?.id);
  });

  it('answers a registered email exactly as a new one, and tells the owner by email instead', async () => {
    const owner = await t.signup('registered');
    const fresh = await post(t, '/v1/signup', signupBody('brand-new'));
    const again = await post(t, '/v1/signup', signupBody('squatter', 'registered@example.com'));
    expect(again.status).toBe(fresh.status);
    expect(await again.text()).toBe(await fresh.text());
    expect([...again.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort());
    const last = t.mailer.sent.at(-1);
    expect(last).toMatchObject({ to: 'registered@example.com', subject: 'Someone tried to sign up with your email' });
    expect(last?.text).not.toContain('token=');
    expect(await t.store.tenants.getBySlug('squatter')).toBeUndefined();
    const user = await t.store.users.getByEmail('registered@example.com');
    expect(user?.tenantId).toBe(owner.tenantId);
  });

  it('gives an unverified account nothing: no session, and sign-in mails a new link', async () => {
    await post(t, '/v1/signup', signupBody('unverified'));
    const login = await post(t, '/v1/sessions', { email: 'unverified@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(403);
    expect((await json(login)).error).toMatchObject({ code: 'email_unverified', field: 'email' });
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await t.store.tenants.getBySlug('unverified')).toBeUndefined();
    const sent = t.mailer.sent.filter((m) => m.to === 'unverified@example.com');
    expect(sent).toHaveLength(2);
  });

  it('refuses a re-used verification link', async () => {
    await post(t, '/v1/signup', signupBody('once'));
    const token = t.mailer.linkTo('once@example.com', '/verify');
    expect((await post(t, '/v1/signup/verify', { token })).status).toBe(201);
    const again = await post(t, '/v1/signup/verify', { token });
    expect(again.status).toBe(400);
    expect((await json(again)).error).toMatchObject({ code: 'invalid_token', field: 'token' });
  });

  it('stores argon2id with its parameters', async () => {
    await t.signup('argon');
    const user = await t.store.users.getByEmail('argon@example.com');
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w-]{22}\$[\w-]{43}$/);
  });
});

describe('tokens expire', () => {
  let clock = new Date('2026-12-01T10:00:00.000Z');
  let t: T;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
  });

  it('refuses an expired verification link and an expired reset link', async () => {
    await post(t, '/v1/signup', signupBody('late'));
    const verify = t.mailer.linkTo('late@example.com', '/verify');
    clock = new Date(clock.getTime() + 25 * 3600_000);
    expect((await json(await post(t, '/v1/signup/verify', { token: verify }))).error?.code).toBe('invalid_token');

    await t.signup('late-reset');
    await post(t, '/v1/password-resets', { email: 'late-reset@example.com' });
    const reset = t.mailer.linkTo('late-reset@example.com', '/reset');
    clock = new Date(clock.getTime() + 61 * 60_000);
    const res = await post(t, '/v1/password-resets/confirm', { token: reset, password: 'a new long password' });
    expect((await json(res)).error).toMatchObject({ code: 'invalid_token', field: 'token' });
  });

  it('refuses an expired invite', async () => {
    const owner = await t.signup('late-invite');
    await t.call(owner, 'POST', '/v1/team/invites', { email: 'slow@example.com', role: 'editor' });
    const token = t.mailer.linkTo('slow@example.com', '/invite');
    clock = new Date(clock.getTime() + 8 * 24 * 3600_000);
    const res = await post(t, '/v1/invites/accept', { token, password: 'member password 1' });
    expect((await json(res)).error).toMatchObject({ code: 'invalid_token', field: 'token' });
  });
});

describe('sign-in', () => {
  let t: T;
  beforeAll(async () => {
    t = await createTestApp({ clientAddress: (c) => c.req.header('x-test-client') });
  });
  const login = (email: string, password: string, extra: Record<string, string> = {}, address = '192.0.2.1') =>
    post(t, '/v1/sessions', { email, password, ...extra }, { 'x-test-client': address });

  it('re-hashes an old scrypt hash with argon2id on the next successful login', async () => {
    await t.signup('old-hash');
    const salt = Buffer.from('0123456789abcdef');
    const hash = await new Promise<Buffer>((resolve, reject) =>
      scrypt('correct horse battery', salt, 32, { N: 16_384, r: 8, p: 1 }, (e, k) => (e ? reject(e) : resolve(k))),
    );
    const old = `scrypt$16384$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    await t.store.users.setPassword('old-hash@example.com', old);
    expect((await login('old-hash@example.com', 'wrong password here')).status).toBe(401);
    expect((await t.store.users.getByEmail('old-hash@example.com'))?.passwordHash).toBe(old);
    expect((await login('old-hash@example.com', 'correct horse battery')).status).toBe(200);
    const upgraded = (await t.store.users.getByEmail('old-hash@example.com'))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect((await login('old-hash@example.com', 'correct horse battery')).status).toBe(200);
  });

  it('backs off per email after five failures with 429 and Retry-After, even for the right password', async () => {
    await t.signup('guessed');
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await login('guessed@example.com', `guess ${i}`, {}, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await login('guessed@example.com', 'correct horse battery', {}, '198.51.100.99');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(blocked)).error?.code).toBe('rate_limited');
  });

  it('backs off per client address across emails', async () => {
    for (let i = 0; i < 5; i++) await login(`nobody-${i}@example.com`, 'whatever', {}, '203.0.113.7');
    const res = await login('someone-else@example.com', 'whatever', {}, '203.0.113.7');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits sign-ups per client address', async () => {
    // Fixed one-minute windows: 21 attempts span at most two windows of 10, so one must be refused.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push(
        (await post(t, '/v1/signup', signupBody(`flood-${i}`), { 'x-test-client': '203.0.113.50' })).status,
      );
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(20);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
  });
});

describe('sessions', () => {
  it('are rate limited per person like API keys', async () => {
    const t = await createTestApp({ config: { rateLimitPerMinute: 3 } });
    const owner = await t.signup('chatty');
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await t.call(null, 'GET', '/v1/components', undefined, { cookie: owner.cookie })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('are listed and revoked one by one; a reset ends all of them', async () => {
    const t = await createTestApp();
    const owner = await t.signup('many-sessions');
    const second = await post(t, '/v1/sessions', {
      email: 'many-sessions@example.com',
      password: 'correct horse battery',
    });
    const secondCookie = (second.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = (await json(
      await t.call(null, 'GET', '/v1/account/sessions', undefined, { cookie: owner.cookie }),
    )) as {
      data: { id: string; current: boolean }[];
    };
    expect(list.data).toHaveLength(2);
    const other = list.data.find((s) => !s.current);
    const revoke = await t.call(null, 'DELETE', `/v1/account/sessions/${other?.id}`, undefined, {
      cookie: owner.cookie,
      'x-csrf-token': owner.csrfToken,
    });
    expect(revoke.status).toBe(204);
    expect((await t.call(null, 'GET', '/v1/components', undefined, { cookie: secondCookie })).status).toBe(401);

    expect((await post(t, '/v1/password-resets', { email: 'many-sessions@example.com' })).status).toBe(202);
    const token = t.mailer.linkTo('many-sessions@example.com', '/reset');
    expect((await post(t, '/v1/password-resets/confirm', { token, password: 'a brand new password' })).status).toBe(
      204,
    );
    expect((await t.call(null, 'GET', '/v1/components', undefined, { cookie: owner.cookie })).status).toBe(401);
    const reused = await post(t, '/v1/password-resets/confirm', { token, password: 'another new password' });
    expect((await json(reused)).error?.code).toBe('invalid_token');
    expect(
      (await post(t, '/v1/sessions', { email: 'many-sessions@example.com', password: 'correct horse battery' })).status,
    ).toBe(401);
    expect(
      (await post(t, '/v1/sessions', { email: 'many-sessions@example.com', password: 'a brand new password' })).status,
    ).toBe(200);
  });

  it('a password change needs the current password and signs out the other sessions', async () => {
    const t = await createTestApp();
    const owner = await t.signup('changer');
    const other = await post(t, '/v1/sessions', { email: 'changer@example.com', password: 'correct horse battery' });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const h = { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken };
    const wrong = await t.call(
      null,
      'POST',
      '/v1/account/password',
      { current: 'not it at all', password: 'a fresh password' },
      h,
    );
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error?.field).toBe('current');
    const ok = await t.call(
      null,
      'POST',
      '/v1/account/password',
      { current: 'correct horse battery', password: 'a fresh password' },
      h,
    );
    expect(ok.status).toBe(204);
    expect((await t.call(null, 'GET', '/v1/components', undefined, { cookie: owner.cookie })).status).toBe(200);
    expect((await t.call(null, 'GET', '/v1/components', undefined, { cookie: otherCookie })).status).toBe(401);
    expect((await post(t, '/v1/sessions', { email: 'changer@example.com', password: 'a fresh password' })).status).toBe(
      200,
    );
  });

  it('backs off repeated sign-ups for one email', async () => {
    const t = await createTestApp();
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(t, '/v1/signup', signupBody(`again-${i}`, 'again@example.com'))).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('a reset request answers the same for unknown addresses and sends nothing', async () => {
    const t = await createTestApp();
    const before = t.mailer.sent.length;
    const res = await post(t, '/v1/password-resets', { email: 'ghost@example.com' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'reset_sent' });
    expect(t.mailer.sent.length).toBe(before);
  });
});

describe('two-factor', () => {
  let clock = new Date('2026-12-01T12:00:00.000Z');
  let t: T;
  let owner: TestTenant;
  let secret = '';
  let recovery: string[] = [];
  const login = (code?: string) =>
    post(t, '/v1/sessions', {
      email: 'twofa@example.com',
      password: 'correct horse battery',
      ...(code ? { code } : {}),
    });
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    owner = await t.signup('twofa');
    const h = { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken };
    secret = (
      (await json(await t.call(null, 'POST', '/v1/account/two-factor/setup', undefined, h))) as { secret: string }
    ).secret;
    const wrong = await t.call(null, 'POST', '/v1/account/two-factor/enable', { code: '000000' }, h);
    expect((await json(wrong)).error?.field).toBe('code');
    const on = await t.call(null, 'POST', '/v1/account/two-factor/enable', { code: currentTotp(secret, clock) }, h);
    recovery = ((await json(on)) as { recoveryCodes: string[] }).recoveryCodes;
    expect(recovery).toHaveLength(10);
  });

  it('asks for the code, refuses a wrong one, accepts the right one', async () => {
    const missing = await login();
    expect(missing.status).toBe(401);
    expect((await json(missing)).error).toMatchObject({ code: 'two_factor_required', field: 'code' });
    const correct = currentTotp(secret, clock);
    const wrong = String((Number(correct) + 1) % 1_000_000).padStart(6, '0');
    const refused = await login(wrong);
    expect(refused.status).toBe(401);
    expect((await json(refused)).error?.field).toBe('code');
    clock = new Date(clock.getTime() + 60_000);
    const fresh = currentTotp(secret, clock);
    expect((await login(fresh)).status).toBe(200);
    // The same code again within its 30 seconds is a replay.
    expect((await login(fresh)).status).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    const code = recovery[0] ?? '';
    expect((await login(code)).status).toBe(200);
    expect((await login(code)).status).toBe(401);
    expect((await login(recovery[1])).status).toBe(200);
  });

  it('lets an owner require it: a member without two-factor reaches only their account', async () => {
    const t2 = await createTestApp();
    const boss = await t2.signup('strict');
    const editor = await t2.addMember(boss, 'editor');
    const setup = await t2.call(
      null,
      'PATCH',
      '/v1/team',
      { requireTwoFactor: true },
      { cookie: boss.cookie, 'x-csrf-token': boss.csrfToken },
    );
    expect(setup.status).toBe(204);
    const blocked = await t2.call(null, 'GET', '/v1/incidents', undefined, editor.headers);
    expect(blocked.status).toBe(403);
    expect((await json(blocked)).error?.code).toBe('forbidden');
    expect((await t2.call(null, 'GET', '/v1/account', undefined, editor.headers)).status).toBe(200);
    // An admin key is not the owner: it may not change the rule.
    expect((await t2.call(boss, 'PATCH', '/v1/team', { requireTwoFactor: false })).status).toBe(403);
  });
});

describe('teams', () => {
  let t: T;
  let owner: TestTenant;
  const asOwner = () => ({ cookie: owner.cookie, 'x-csrf-token': owner.csrfToken });
  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.signup('teamco');
  });
  const members = async () =>
    (
      (await json(await t.call(owner, 'GET', '/v1/team'))) as {
        members: { userId: string; email: string; role: string }[];
      }
    ).members;

  it('never removes or demotes the last owner', async () => {
    const me = (await members()).find((m) => m.role === 'owner');
    const demote = await t.call(null, 'PATCH', `/v1/team/members/${me?.userId}`, { role: 'admin' }, asOwner());
    expect(demote.status).toBe(409);
    expect((await json(demote)).error?.field).toBe('role');
    const remove = await t.call(null, 'DELETE', `/v1/team/members/${me?.userId}`, undefined, asOwner());
    expect(remove.status).toBe(409);
    expect((await members()).filter((m) => m.role === 'owner')).toHaveLength(1);
  });

  it('transfers ownership: the member becomes owner, the owner admin; of racing transfers exactly one lands', async () => {
    // Prepare: a fresh tenant with an admin and an editor
    const boss = await t.signup('handover');
    const admin = await t.addMember(boss, 'admin');
    const editor = await t.addMember(boss, 'editor');
    const asBoss = { cookie: boss.cookie, 'x-csrf-token': boss.csrfToken };
    const team = async () =>
      (
        (await json(await t.call(boss, 'GET', '/v1/team'))) as {
          members: { userId: string; email: string; role: string }[];
        }
      ).members;
    const id = async (email: string) => (await team()).find((m) => m.email === email)?.userId ?? '';
    const me = await id('handover@example.com');
    // Refused: an admin, a key, a non-member, oneself
    const byAdmin = await t.call(null, 'POST', '/v1/team/ownership', { userId: await id(editor.email) }, admin.headers);
    expect(byAdmin.status).toBe(403);
    expect((await t.call(boss, 'POST', '/v1/team/ownership', { userId: await id(editor.email) })).status).toBe(403);
    const stranger = await t.call(null, 'POST', '/v1/team/ownership', { userId: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }, asBoss);
    expect(stranger.status).toBe(404);
    const self = await t.call(null, 'POST', '/v1/team/ownership', { userId: me }, asBoss);
    expect((await json(self)).error).toMatchObject({ code: 'validation_failed', field: 'userId' });

    // Act: two transfers at once
    const results = await Promise.all(
      [admin.email, editor.email].map(async (email) =>
        t.call(null, 'POST', '/v1/team/ownership', { userId: await id(email) }, asBoss),
      ),
    );

    // Assess: one 200, one 409 on userId; one owner, the old owner is admin; audited; the team item agrees
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409);
    expect((await json(loser as Response)).error).toMatchObject({ code: 'conflict', field: 'userId' });
    const roles = Object.fromEntries((await team()).map((m) => [m.email, m.role]));
    expect(roles['handover@example.com']).toBe('admin');
    expect(Object.values(roles).filter((r) => r === 'owner')).toHaveLength(1);
    expect((await t.store.teams.get(boss.tenantId))?.ownerCount).toBe(1);
    const audit = await t.store.audit.list(boss.tenantId, {});
    expect(audit.items.filter((e) => e.action === 'team.ownership_transferred')).toHaveLength(1);
    // The former owner may no longer hand over or delete
    const again = await t.call(null, 'POST', '/v1/team/ownership', { userId: await id(admin.email) }, asBoss);
    expect(again.status).toBe(403);
  });

  it('keeps one owner when two owners demote each other at once', async () => {
    const second = await t.addMember(owner, 'owner');
    const list = await members();
    const first = list.find((m) => m.email === 'teamco@example.com');
    const other = list.find((m) => m.email === second.email);
    const results = await Promise.all([
      t.call(null, 'PATCH', `/v1/team/members/${other?.userId}`, { role: 'admin' }, asOwner()),
      t.call(null, 'PATCH', `/v1/team/members/${first?.userId}`, { role: 'admin' }, second.headers),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await members()).filter((m) => m.role === 'owner')).toHaveLength(1);
    expect((await t.store.teams.get(owner.tenantId))?.ownerCount).toBe(1);
  });

  it('stops a removed member at once and lets an admin not make owners', async () => {
    const admin = await t.addMember(owner, 'admin');
    const editor = await t.addMember(owner, 'editor');
    expect((await t.call(null, 'GET', '/v1/incidents', undefined, editor.headers)).status).toBe(200);
    const editorId = (await members()).find((m) => m.email === editor.email)?.userId;
    const promote = await t.call(null, 'PATCH', `/v1/team/members/${editorId}`, { role: 'owner' }, admin.headers);
    expect(promote.status).toBe(403);
    expect((await t.call(null, 'DELETE', `/v1/team/members/${editorId}`, undefined, admin.headers)).status).toBe(204);
    const after = await t.call(null, 'GET', '/v1/incidents', undefined, editor.headers);
    expect(after.status).toBe(401);
  });

  it('invites are single-use, revocable and re-sendable; an existing account gains the tenant', async () => {
    const other = await t.signup('other-team');
    const h = asOwner();
    const invited = (await json(
      await t.call(null, 'POST', '/v1/team/invites', { email: 'other-team@example.com', role: 'viewer' }, h),
    )) as { id: string };
    const first = t.mailer.linkTo('other-team@example.com', '/invite');
    const resent = await t.call(null, 'POST', `/v1/team/invites/${invited.id}/resend`, undefined, h);
    expect(resent.status).toBe(200);
    const second = t.mailer.linkTo('other-team@example.com', '/invite');
    expect(second).not.toBe(first);
    expect(
      (await json(await post(t, '/v1/invites/accept', { token: first, password: 'correct horse battery' }))).error
        ?.code,
    ).toBe('invalid_token');
    const wrongPassword = await post(t, '/v1/invites/accept', { token: second, password: 'not my password' });
    expect((await json(wrongPassword)).error?.field).toBe('password');
    const joined = await post(t, '/v1/invites/accept', { token: second, password: 'correct horse battery' });
    expect(joined.status).toBe(200);
    expect((await post(t, '/v1/invites/accept', { token: second, password: 'correct horse battery' })).status).toBe(
      400,
    );
    const cookie = (joined.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const account = (await json(await t.call(null, 'GET', '/v1/account', undefined, { cookie }))) as {
      tenants: { id: string; role: string; current: boolean }[];
    };
    expect(account.tenants.map((x) => [x.id, x.role, x.current]).sort()).toEqual(
      [
        [owner.tenantId, 'viewer', true],
        [other.tenantId, 'owner', false],
      ].sort(),
    );
    const csrf = ((await json(joined)) as { csrfToken: string }).csrfToken;
    const switched = await t.call(
      null,
      'PUT',
      '/v1/sessions/current/tenant',
      { tenantId: other.tenantId },
      { cookie, 'x-csrf-token': csrf },
    );
    expect(switched.status).toBe(200);
    expect(((await json(await t.call(null, 'GET', '/v1/tenant', undefined, { cookie }))) as { id: string }).id).toBe(
      other.tenantId,
    );
    const stranger = await t.signup('stranger');
    const foreign = await t.call(
      null,
      'PUT',
      '/v1/sessions/current/tenant',
      { tenantId: stranger.tenantId },
      { cookie, 'x-csrf-token': csrf },
    );
    expect(foreign.status).toBe(404);

    const revoked = (await json(
      await t.call(null, 'POST', '/v1/team/invites', { email: 'revoked@example.com', role: 'editor' }, h),
    )) as { id: string };
    expect((await t.call(null, 'DELETE', `/v1/team/invites/${revoked.id}`, undefined, h)).status).toBe(204);
    const late = await post(t, '/v1/invites/accept', {
      token: t.mailer.linkTo('revoked@example.com', '/invite'),
      password: 'member password 1',
    });
    expect((await json(late)).error?.code).toBe('invalid_token');
  });

  it('names the person in the audit log, filterable by member', async () => {
    const editor = await t.addMember(owner, 'editor', 'auditee@example.com');
    const created = await t.call(
      null,
      'POST',
      '/v1/incidents',
      { name: 'By a person', impact: 'minor', body: 'x' },
      editor.headers,
    );
    expect(created.status).toBe(201);
    const editorId = (await members()).find((m) => m.email === 'auditee@example.com')?.userId;
    const log = (await json(await t.call(owner, 'GET', `/v1/audit-log?author=${editorId}`))) as {
      data: { author: { kind: string; id: string; label: string }; action: string }[];
    };
    expect(log.data.length).toBeGreaterThan(0);
    expect(log.data.every((e) => e.author.id === editorId && e.author.label === 'auditee@example.com')).toBe(true);
    expect(log.data.map((e) => e.action)).toContain('member.joined');
  });
});

describe('role × route matrix', () => {
  it('tries every role on every operation of the OpenAPI document: allowed, or 403', async () => {
    const t = await createTestApp();
    const owner = await t.signup('matrix');
    const sessions = {
      owner: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      admin: (await t.addMember(owner, 'admin')).headers,
      editor: (await t.addMember(owner, 'editor')).headers,
      viewer: (await t.addMember(owner, 'viewer')).headers,
    };
    // API keys of each scope, on the same permissions.
    const keys: Record<string, Record<string, string>> = {};
    for (const scope of ['admin', 'incidents', 'components', 'read'] as const) {
      const key = (await json(await t.call(owner, 'POST', '/v1/api-keys', { name: scope, scopes: [scope] }))) as {
        key: string;
      };
      keys[scope] = { authorization: `Bearer ${key.key}` };
    }
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, needs: op['x-permission'] })),
    );
    // The table the middleware enforces holds exactly the document's operations.
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(routePermissions).sort());
    let checked = 0;
    for (const op of operations) {
      if (op.needs === 'public' || op.needs === 'person') continue;
      // Destructive operations on the caller's own session or team are tried on a missing id.
      const url = op.path.replace(/\{[^}]+\}/g, 'nonexistent');
      const principals = [
        ...Object.entries(sessions).map(([role, headers]) => ({
          role,
          headers,
          holds: rolePermissions[role as keyof typeof rolePermissions],
        })),
        ...Object.entries(keys).map(([scope, headers]) => ({
          role: `${scope} key`,
          headers,
          holds: scopePermissions[scope as keyof typeof scopePermissions],
        })),
      ];
      for (const { role, headers, holds } of principals) {
        const res = await t.call(null, op.method, url, op.method === 'GET' ? undefined : {}, headers);
        const allowed = holds.includes(op.needs as never);
        const label = `${role} ${op.method} ${op.path}`;
        if (allowed)
          expect({ label, status: res.status === 403 ? 403 : 'not 403' }).toEqual({ label, status: 'not 403' });
        else {
          expect({ label, status: res.status }).toEqual({ label, status: 403 });
          expect((await json(res)).error?.code).toBe('forbidden');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(350);
  }, 60_000);
});
