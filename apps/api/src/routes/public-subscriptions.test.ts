import { targetHash } from '@upstate/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from '../testing.ts';

const sent: { to: string; confirmUrl: string; tenantName: string }[] = [];
let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;

beforeAll(async () => {
  t = await createTestApp({
    subscriptions: {
      linkSecret: 'test-link-secret-0123456789abcdef',
      apiBase: 'http://api.test',
      async sendConfirmation(input) {
        sent.push(input);
      },
    },
  });
  tenant = await t.signup('readers');
  await t.call(tenant, 'PATCH', '/v1/tenant', { name: 'Acme <script>alert(1)</script>' });
});

const form = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7', ...headers },
    body: new URLSearchParams(body).toString(),
  });
const tokenOf = (url: string) => new URL(url).pathname.split('/')[3] as string;

describe('reader subscription flow', () => {
  it('answers a bad address with a 400 naming the code and field, and writes nothing', async () => {
    const html = await form('/public/pages/readers/subscribe', { email: 'nope' });
    expect(html.status).toBe(400);
    const text = await html.text();
    expect(text).toContain('data-code="validation_failed"');
    expect(text).toContain('data-field="target"');
    const json = await t.app.request('/public/pages/readers/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nope' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { code: 'validation_failed', field: 'target' } });
    expect((await t.store.subscribers.count(tenant.tenantId)).total).toBe(0);
  });

  it('double opt-in: a confirmation link, a GET that changes nothing, a POST that confirms', async () => {
    const res = await form('/public/pages/readers/subscribe', { email: 'Reader@Example.com' });
    expect(res.status).toBe(202);
    const page = await res.text();
    expect(page).toContain('Check your inbox');
    expect(page).toContain('Acme &lt;script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('reader@example.com');
    const mail = sent.at(-1);
    expect(mail?.to).toBe('reader@example.com');
    const token = tokenOf(mail?.confirmUrl as string);

    expect((await t.app.request(`/public/subscriptions/${token}/confirm`)).status).toBe(200);
    expect((await t.store.subscribers.getByTarget(tenant.tenantId, 'email', 'reader@example.com'))?.status).toBe(
      'pending',
    );
    expect((await form(`/public/subscriptions/${token}/confirm`, {})).status).toBe(200);
    expect((await t.store.subscribers.getByTarget(tenant.tenantId, 'email', 'reader@example.com'))?.status).toBe(
      'confirmed',
    );

    // Asking again reveals nothing and sends nothing: the address is already confirmed.
    const before = sent.length;
    const again = await form('/public/pages/readers/subscribe', { email: 'reader@example.com' });
    expect(again.status).toBe(202);
    expect(sent.length).toBe(before);
  });

  it('one-click unsubscribe deletes the address, keeps only its hash, and answers a repeat the same', async () => {
    await form('/public/pages/readers/subscribe', { email: 'leaver@example.com', scope: 'all' });
    const token = tokenOf(sent.at(-1)?.confirmUrl as string);
    await form(`/public/subscriptions/${token}/confirm`, {});

    const first = await form(`/public/subscriptions/${token}/unsubscribe`, { 'List-Unsubscribe': 'One-Click' });
    const second = await form(`/public/subscriptions/${token}/unsubscribe`, { 'List-Unsubscribe': 'One-Click' });

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await t.store.subscribers.getByTarget(tenant.tenantId, 'email', 'leaver@example.com')).toBeUndefined();
    expect(await t.store.suppressions.has(tenant.tenantId, targetHash(tenant.tenantId, 'leaver@example.com'))).toBe(
      true,
    );
    expect((await t.app.request(`/public/subscriptions/${token}`)).status).toBe(404);
  });

  it('the manage page changes what a subscription covers, and refuses another tenant’s components', async () => {
    const component = (await (await t.call(tenant, 'POST', '/v1/components', { name: 'API' })).json()) as {
      id: string;
    };
    await form('/public/pages/readers/subscribe', { email: 'picky@example.com' });
    const token = tokenOf(sent.at(-1)?.confirmUrl as string);
    const saved = await form(`/public/subscriptions/${token}`, {
      scope: 'components',
      component: component.id,
      componentUpdates: 'on',
    });
    expect(saved.status).toBe(303);
    const s = await t.store.subscribers.getByTarget(tenant.tenantId, 'email', 'picky@example.com');
    expect(s?.scope).toEqual({ componentIds: [component.id], componentUpdates: true });
    const manage = await (await t.app.request(`/public/subscriptions/${token}?saved=1`)).text();
    expect(manage).toContain(`value="${component.id}" checked`);
    expect(manage).not.toContain('picky@example.com');
    const foreign = await form(`/public/subscriptions/${token}`, { scope: 'components', component: 'not-ours' });
    expect(foreign.status).toBe(400);
  });
});
