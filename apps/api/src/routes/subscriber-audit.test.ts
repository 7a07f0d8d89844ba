import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from '../testing.ts';

// Issue 15 item 4: every subscriber change is in the tenant's audit log, named by who acted, with
// the address masked (it is personal data).

const sent: { to: string; confirmUrl: string }[] = [];
let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp({
    subscriptions: {
      linkSecret: 'test-link-secret-audit',
      apiBase: 'http://api.test',
      async sendConfirmation(input) {
        sent.push(input);
      },
    },
  });
  tenant = await t.signup('audited');
});

interface Event {
  action: string;
  author: { kind: string; id: string; label: string };
  target: { type: string; id: string };
  detail: Record<string, unknown>;
}
const auditLog = async (): Promise<Event[]> =>
  ((await (await t.call(tenant, 'GET', '/v1/audit-log?limit=100')).json()) as { data: Event[] }).data.filter(
    (e) => e.action.startsWith('subscriber.') || e.action.startsWith('notifications.'),
  );
const form = (path: string, body: Record<string, string>) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.9' },
    body: new URLSearchParams(body).toString(),
  });

describe('the audit trail of subscriber changes', () => {
  it('names the reader for their own changes and the key for the tenant’s, never with the address', async () => {
    // Act: a reader subscribes, confirms, narrows the scope and unsubscribes, all through their links
    const reader = 'private.person@example.org';
    expect((await form('/public/pages/audited/subscribe', { email: reader })).status).toBe(202);
    const token = new URL(sent.at(-1)?.confirmUrl as string).pathname.split('/')[3] as string;
    await form(`/public/subscriptions/${token}/confirm`, {});
    await form(`/public/subscriptions/${token}/confirm`, {});
    await form(`/public/subscriptions/${token}`, { scope: 'all', componentUpdates: 'on' });
    await form(`/public/subscriptions/${token}/unsubscribe`, {});
    // Act: the tenant's key adds, narrows, re-enables and removes one, imports two, and sets the settings
    const added = (await (
      await t.call(tenant, 'POST', '/v1/subscribers', {
        channel: 'webhook',
        target: 'https://hooks.example.net/secret-path',
      })
    ).json()) as { id: string };
    await t.call(tenant, 'PUT', `/v1/subscribers/${added.id}/scope`, { componentIds: null, componentUpdates: true });
    await t.call(tenant, 'POST', `/v1/subscribers/${added.id}/enable`);
    await t.call(tenant, 'DELETE', `/v1/subscribers/${added.id}`);
    await t.call(tenant, 'POST', '/v1/subscribers/import', {
      csv: 'email\nimported.one@example.org\nimported.two@example.org\n',
    });
    await t.call(tenant, 'PUT', '/v1/notification-settings', {
      senderName: 'Audited Ops',
      replyTo: 'support.desk@example.org',
      reminderMinutes: 30,
    });

    // Assess
    const events = await auditLog();
    const of = (action: string, kind: string) => events.find((e) => e.action === action && e.author.kind === kind);
    const keyId = events.find((e) => e.author.kind === 'api_key')?.author.id;
    expect(keyId).toBeTruthy();
    // Events of one millisecond share their order key, so compare the set.
    expect(events.map((e) => `${e.action} by ${e.author.kind}`).sort()).toEqual(
      [
        'subscriber.subscribed by reader',
        'subscriber.confirmed by reader',
        'subscriber.scope_changed by reader',
        'subscriber.unsubscribed by reader',
        'subscriber.added by api_key',
        'subscriber.scope_changed by api_key',
        'subscriber.enabled by api_key',
        'subscriber.removed by api_key',
        'subscriber.imported by api_key',
        'notifications.settings_updated by api_key',
      ].sort(),
    );
    expect(events.filter((e) => e.author.kind === 'api_key').every((e) => e.author.id === keyId)).toBe(true);
    expect(of('subscriber.subscribed', 'reader')).toMatchObject({
      detail: { channel: 'email', target: 'p…@example.org' },
    });
    expect(of('subscriber.subscribed', 'reader')?.author.label).toBe('Subscriber p…@example.org');
    expect(of('subscriber.added', 'api_key')).toMatchObject({
      target: { type: 'subscriber', id: added.id },
      detail: { target: 'https://hooks.example.net/…' },
    });
    expect(of('subscriber.imported', 'api_key')?.detail).toEqual({ added: 2, skipped: 0 });
    expect(of('notifications.settings_updated', 'api_key')?.detail).toMatchObject({
      replyTo: 's…@example.org',
      reminderMinutes: 30,
    });
    const text = JSON.stringify(events);
    for (const secret of ['private.person', 'secret-path', 'imported.one', 'imported.two', 'support.desk']) {
      expect(text).not.toContain(secret);
    }
  });
});
