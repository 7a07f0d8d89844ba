import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from '../testing.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp({
    config: { localMode: false },
    subscriptions: { linkSecret: 'test-link-secret', apiBase: 'https://api.test', sendConfirmation: async () => {} },
  });
  tenant = await t.signup('subscriber-api');
});

describe('tenant subscriber API', () => {
  it('is not served by a deployment without a link secret and mailer', async () => {
    const bare = await createTestApp({ config: { localMode: false } });
    const other = await bare.signup('bare');
    expect((await bare.call(other, 'GET', '/v1/subscribers')).status).toBe(404);
    expect((await bare.app.request('/public/pages/bare/subscribe', { method: 'POST' })).status).toBe(404);
  });

  it('adds a webhook answering its secret once, never again in a list', async () => {
    const res = await t.call(tenant, 'POST', '/v1/subscribers', {
      channel: 'webhook',
      target: 'https://hooks.example.com/a',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; secret: string; hasSecret: boolean; status: string };
    expect(body).toMatchObject({ status: 'confirmed', hasSecret: true });
    expect(body.secret).toMatch(/^whsec_/);
    const list = await (await t.call(tenant, 'GET', '/v1/subscribers')).text();
    expect(list).not.toContain(body.secret);
  });

  it('refuses a plain-http webhook, a Slack URL on another host and an unknown field, naming the field', async () => {
    for (const [input, field] of [
      [{ channel: 'webhook', target: 'http://hooks.example.com/a' }, 'target'],
      [{ channel: 'slack', target: 'https://evil.example.com/services/x' }, 'target'],
      [{ channel: 'email', target: 'a@example.com', extra: 1 }, 'extra'],
    ] as const) {
      const res = await t.call(tenant, 'POST', '/v1/subscribers', input);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });

  it('imports CSV all-or-nothing, skips rows already subscribed, and exports without formula cells', async () => {
    const bad = await t.call(tenant, 'POST', '/v1/subscribers/import', {
      csv: 'email\nok@example.com\nnot-an-address\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('csv.3');
    expect((await (await t.call(tenant, 'GET', '/v1/subscribers?target=ok%40example.com')).json()) as unknown).toEqual({
      data: [],
      nextCursor: null,
    });

    const csv = 'email\nok@example.com\n=cmd@example.com\nslack,https://hooks.slack.com/services/T/B/X\n';
    const first = (await (await t.call(tenant, 'POST', '/v1/subscribers/import', { csv })).json()) as { added: number };
    const second = (await (await t.call(tenant, 'POST', '/v1/subscribers/import', { csv })).json()) as {
      added: number;
      skipped: number;
    };
    expect(first.added).toBe(3);
    expect(second).toMatchObject({ added: 0, skipped: 3 });
    expect(await (await t.call(tenant, 'GET', '/v1/subscribers/count')).json()).toEqual({
      total: 4,
      confirmed: 4,
      pending: 0,
    });

    const exported = await t.call(tenant, 'GET', '/v1/subscribers/export');
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const text = await exported.text();
    expect(text.split('\n')[0]).toBe('channel,target,status,created_at,confirmed_at,components');
    expect(text).toContain("email,'=cmd@example.com,confirmed");
    expect(text).toContain('slack,https://hooks.slack.com/services/T/B/X,confirmed');
  });

  it('keeps notification settings, refusing a bad reply-to by name', async () => {
    expect(await (await t.call(tenant, 'GET', '/v1/notification-settings')).json()).toEqual({
      senderName: null,
      replyTo: null,
      reminderMinutes: 60,
    });
    const bad = await t.call(tenant, 'PUT', '/v1/notification-settings', {
      senderName: 'Ops',
      replyTo: 'nope',
      reminderMinutes: 30,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('replyTo');
    const ok = await t.call(tenant, 'PUT', '/v1/notification-settings', {
      senderName: 'Ops',
      replyTo: 'help@acme.test',
      reminderMinutes: 0,
    });
    expect(ok.status).toBe(200);
    expect(await (await t.call(tenant, 'GET', '/v1/notification-settings')).json()).toEqual({
      senderName: 'Ops',
      replyTo: 'help@acme.test',
      reminderMinutes: 0,
    });
  });
});
