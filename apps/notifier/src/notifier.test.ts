import { createSesMailer } from '@upstate/aws';
import { startS3rver, startSesLocal } from '@upstate/aws/testing';
import { type Component, defaultBranding, newId, type TenantSnapshot } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import type { ServiceDeps } from '@upstate/services/deps';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import { unsubscribe } from '@upstate/services/subscribers/unsubscribe';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from './channels/webhook.ts';
import { subscriptionLinks } from './handlers.ts';
import { createLocalNotifier } from './local-notifier.ts';
import { createSenders } from './senders.ts';
import { freshIncident, publishJson, startReceiver } from './testing.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
let ses: Awaited<ReturnType<typeof startSesLocal>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let store: Store;
let snapshot: TenantSnapshot;
let clock: Date;
const linkSecret = 'test-link-secret';
const apiBase = 'http://api.upstate.test';

beforeAll(async () => {
  s3 = await startS3rver();
  ses = await startSesLocal();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await ses.close();
  await s3.close();
});

let tenantId: string;
beforeEach(async () => {
  clock = new Date();
  ({ store } = await createTestStore({ now: () => clock }));
  tenantId = `t-${newId()}`;
  // The fixture's history is two days old: backfilled entries that must notify nobody.
  snapshot = fixtureSnapshot({
    tenantId,
    now: new Date(clock.getTime() - 2 * 86_400_000).toISOString(),
    name: 'Acme "Cloud"',
  });
  snapshot.baseUrl = 'http://acme.localhost:8080';
  await store.tenants.create(snapshot.tenant, { ...defaultBranding, brandColor: '#7c3aed' });
  for (const c of snapshot.components) await store.components.create(c as Component);
  for (const g of snapshot.groups) await store.groups.create(g);
  await ses.clear();
  receiver.received.length = 0;
});

const deps = (): ServiceDeps => ({
  store,
  publishTrigger: { requestPublish: async () => {} },
  now: () => clock,
  log: () => {},
});

function notifier(extra: Partial<Parameters<typeof createLocalNotifier>[0]> = {}) {
  return createLocalNotifier({
    store,
    s3: s3.client,
    bucket: s3.bucket,
    senders: createSenders({
      mailer: createSesMailer({ client: ses.client }),
      policy: { allowPrivateTargets: true, resolveHost: async () => ['127.0.0.1'] },
    }),
    links: { apiBase, linkSecret },
    mailDomain: 'upstate.test',
    now: () => clock,
    retryDelayMs: 0,
    backoffMs: 1,
    ...extra,
  });
}

async function emailSubscriber(
  address: string,
  confirmed = true,
  scope?: { componentIds: string[] | null; componentUpdates: boolean },
) {
  const { subscriber } = await subscribe(deps(), {
    tenantId,
    channel: 'email',
    target: address,
    confirmed,
    linkSecret,
    ...(scope ? { scope } : {}),
  });
  return subscriber;
}

async function postIncident(componentIds: string[] = [], at = clock.toISOString()) {
  const incident = freshIncident(tenantId, `inc-${newId()}`, at, componentIds);
  snapshot.incidents.unshift(incident);
  await publishJson(s3.client, s3.bucket, snapshot);
  return incident;
}

describe('notify workflow on the stand-ins', () => {
  it('emails each confirmed subscriber exactly once, with one-click unsubscribe, and nobody else', async () => {
    // Prepare
    const apiComponent = snapshot.components[0] as Component;
    const other = snapshot.components.find((c) => c.groupId !== apiComponent.groupId) as Component;
    const reader = await emailSubscriber('reader@example.com');
    await emailSubscriber('pending@example.com', false);
    await emailSubscriber('follows-other@example.com', true, { componentIds: [other.id], componentUpdates: false });
    const gone = await emailSubscriber('gone@example.com');
    await unsubscribe(deps(), { tenantId, subscriberId: gone?.id as string, reason: 'unsubscribed' });
    const incident = await postIncident([apiComponent.id]);
    const run = notifier();

    // Act
    await run.trigger.requestNotify(tenantId, 7);
    await run.trigger.requestNotify(tenantId, 7);
    await run.idle();
    await run.repeat(tenantId, 7);

    // Assess
    expect(run.executions().map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const mail = await ses.messages();
    expect(mail.map((m) => m.to[0])).toEqual(['reader@example.com']);
    const [message] = mail;
    const links = subscriptionLinks({ apiBase, linkSecret }, tenantId, reader?.id as string);
    expect(message?.from).toBe('"Acme \\"Cloud\\"" <notifications@upstate.test>');
    expect(message?.subject).toBe('[Acme "Cloud"] Slow API responses — Investigating');
    expect(message?.headers['list-unsubscribe']).toBe(`<${links.unsubscribe}>`);
    expect(message?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(message?.headers['list-id']).toBe(`Acme Cloud status <${tenantId.toLowerCase()}.status.upstate.test>`);
    expect(message?.html).toContain('<strong>investigating</strong>');
    expect(message?.html).toContain(`href="http://acme.localhost:8080/incidents/${incident.id}/"`);
    expect(message?.html).toContain(links.manage);
    expect(message?.html).not.toMatch(/<img|<link|<script/i);
    expect(message?.text).toContain(`Unsubscribe: ${links.unsubscribe}`);
    const log = await store.deliveries.listForEntry(tenantId, `incident_update#${incident.updates[0]?.id}`);
    expect(log.items.map((d) => [d.subscriberId, d.state, d.attempts])).toEqual([[reader?.id, 'sent', 1]]);
  });

  it('sends once when the publish commit is retried and a newer publish starts while the run is going', async () => {
    for (let i = 0; i < 12; i++) await emailSubscriber(`race${i}@example.com`);
    await postIncident();
    const run = notifier({ rangeSize: 5 });

    // The commit of v5 retried (same run name), then v6 committed while v5 fans out.
    await Promise.all([
      run.trigger.requestNotify(tenantId, 5),
      run.trigger.requestNotify(tenantId, 5),
      run.trigger.requestNotify(tenantId, 6),
    ]);
    await run.idle();

    expect(run.executions().map((e) => e.name)).toEqual([`${tenantId}-n5`, `${tenantId}-n6`]);
    const to = (await ses.messages()).map((m) => m.to[0]).sort();
    expect(to).toEqual(Array.from({ length: 12 }, (_, i) => `race${i}@example.com`).sort());
  });

  it('uses the tenant’s sender name and reply-to', async () => {
    await store.notificationSettings.put(tenantId, {
      senderName: 'Acme Ops',
      replyTo: 'support@acme.test',
      reminderMinutes: 60,
    });
    await emailSubscriber('reader@example.com');
    await postIncident();
    const run = notifier();
    await run.trigger.requestNotify(tenantId, 4);
    await run.idle();
    const [message] = await ses.messages();
    expect(message?.from).toBe('"Acme Ops" <notifications@upstate.test>');
    expect(message?.replyTo).toEqual(['support@acme.test']);
  });

  it('sends nothing for backfilled history, nor before the page shows the entry', async () => {
    await emailSubscriber('reader@example.com');
    const run = notifier();
    // Not yet published: the page does not show it, so nothing can go out.
    snapshot.incidents.unshift(freshIncident(tenantId, 'unpublished', clock.toISOString(), []));
    await run.trigger.requestNotify(tenantId, 1);
    await run.idle();
    expect(await ses.messages()).toHaveLength(0);

    snapshot.incidents.shift();
    await postIncident([], new Date(clock.getTime() - 2 * 3_600_000).toISOString());
    await run.trigger.requestNotify(tenantId, 2);
    await run.idle();
    expect(await ses.messages()).toHaveLength(0);
  });

  it('reminds once before a scheduled maintenance starts, not for one scheduled inside the lead time', async () => {
    // Prepare: one maintenance scheduled yesterday for 30 minutes from now, one scheduled just now for the same time.
    await emailSubscriber('reader@example.com');
    const start = new Date(clock.getTime() + 30 * 60_000).toISOString();
    const until = new Date(clock.getTime() + 90 * 60_000).toISOString();
    const maintenance = (id: string, createdAt: string) => ({
      id,
      tenantId,
      name: `Database upgrade ${id}`,
      status: 'scheduled' as const,
      impact: 'minor' as const,
      componentIds: [],
      scheduledFor: start,
      scheduledUntil: until,
      autoStart: true,
      autoComplete: true,
      createdAt,
      updatedAt: createdAt,
      updates: [
        {
          id: `${id}-u1`,
          status: 'scheduled' as const,
          body: 'We will upgrade the database.',
          displayAt: createdAt,
          createdAt,
          author: { kind: 'api_key' as const, id: 'k1', label: 'ops' },
        },
      ],
      version: 1,
    });
    snapshot.maintenances = [
      maintenance('m-old', new Date(clock.getTime() - 86_400_000).toISOString()),
      maintenance('m-new', new Date(clock.getTime() - 60_000).toISOString()),
    ];
    await publishJson(s3.client, s3.bucket, snapshot);
    const run = notifier();

    // Act: the schedule ticks twice (two minutes); the scheduling notice of m-new goes out with the first.
    expect(await run.remindDue([tenantId], clock)).toBe(1);
    await run.idle();
    expect(await run.remindDue([tenantId], new Date(clock.getTime() + 60_000))).toBe(1);
    await run.idle();

    // Assess
    const subjects = (await ses.messages()).map((m) => m.subject).sort();
    expect(subjects).toEqual([
      `[Acme "Cloud"] Maintenance reminder: Database upgrade m-old starts ${new Date(start).toUTCString()}`,
      '[Acme "Cloud"] Maintenance: Database upgrade m-new — Scheduled',
    ]);
  });

  it('posts a signed Statuspage webhook to a real receiver', async () => {
    const { subscriber, secret } = await subscribe(deps(), {
      tenantId,
      channel: 'webhook',
      target: receiver.url,
      confirmed: true,
      linkSecret,
      allowHttp: true,
    });
    const incident = await postIncident();
    const run = notifier();

    await run.trigger.requestNotify(tenantId, 3);
    await run.idle();

    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    const headers = {
      signature: hit?.headers['x-upstate-signature'] as string,
      timestamp: hit?.headers['x-upstate-timestamp'] as string,
    };
    expect(verifyWebhook(secret as string, headers, hit?.body as string, { now: clock.getTime() })).toBe(true);
    expect(verifyWebhook('wrong', headers, hit?.body as string, { now: clock.getTime() })).toBe(false);
    expect(verifyWebhook(secret as string, headers, `${hit?.body} `, { now: clock.getTime() })).toBe(false);
    const body = JSON.parse(hit?.body as string);
    expect(body.incident.id).toBe(incident.id);
    expect(body.meta.unsubscribe).toBe(
      subscriptionLinks({ apiBase, linkSecret }, tenantId, subscriber?.id as string).unsubscribe,
    );
    expect(body.page).toEqual({
      id: tenantId,
      status_indicator: expect.any(String),
      status_description: expect.any(String),
    });
  });

  it('delivers exactly once when a range task crashes mid fan-out and the run is then repeated', async () => {
    // Prepare: 25 subscribers in ranges of 10; the mailer "dies" after its 7th accepted send.
    const addresses = Array.from({ length: 25 }, (_, i) => `r${i}@example.com`);
    for (const a of addresses) await emailSubscriber(a);
    await postIncident();
    const mailer = createSesMailer({ client: ses.client });
    let accepted = 0;
    let crashed = false;
    const run = notifier({
      rangeSize: 10,
      deliveryConcurrency: 1,
      senders: createSenders({
        mailer: {
          async send(email) {
            if (accepted === 7 && !crashed) {
              crashed = true;
              // The process dies between SES accepting nothing and recording nothing: the task fails.
              throw Object.assign(new Error('container killed'), { name: 'Crash' });
            }
            accepted++;
            return mailer.send(email);
          },
        },
        policy: { allowPrivateTargets: true, resolveHost: async () => ['127.0.0.1'] },
      }),
      wrapTask: (state, task) => async (input) => {
        const result = await task(input);
        // One range task dies after its sends, before answering: Step Functions retries it.
        if (state === 'DeliverRange' && crashed && !retried) {
          retried = true;
          throw Object.assign(new Error('task timed out'), { name: 'States.Timeout' });
        }
        return result;
      },
    });
    let retried = false;

    // Act
    await run.trigger.requestNotify(tenantId, 9);
    await run.idle();
    await run.repeat(tenantId, 9);

    // Assess
    const mail = await ses.messages();
    expect(mail.map((m) => m.to[0]).sort()).toEqual([...addresses].sort());
    expect(retried).toBe(true);
  });

  it('retries alone a recipient the bulk call refused, and sends nobody else twice', async () => {
    // Prepare: six readers; the stand-in refuses a malformed address, and one address fails once (throttled).
    const good = Array.from({ length: 5 }, (_, i) => `bulk${i}@example.com`);
    const readers = [];
    for (const a of good) readers.push(await emailSubscriber(a));
    const broken = {
      id: newId(),
      tenantId,
      channel: 'email' as const,
      target: 'broken@exa_mple',
      status: 'confirmed' as const,
      scope: { componentIds: null, componentUpdates: false },
      createdAt: clock.toISOString(),
      confirmedAt: clock.toISOString(),
      failures: 0,
      disabledAt: null,
      secret: null,
    };
    await store.subscribers.create(broken, `hash-${broken.id}`);
    const incident = await postIncident();
    const ses2 = createSesMailer({ client: ses.client });
    const calls: string[][] = [];
    let throttled = false;
    const run = notifier({
      senders: createSenders({
        mailer: {
          maxRecipients: ses2.maxRecipients,
          send: ses2.send,
          async sendBulk(email) {
            calls.push(email.recipients.map((r) => r.to));
            // bulk1 is throttled on its first try: left out of the call, answered as a transient failure.
            const flaky = throttled ? -1 : email.recipients.findIndex((r) => r.to === 'bulk1@example.com');
            if (flaky < 0) return ses2.sendBulk(email);
            throttled = true;
            const rest = await ses2.sendBulk({ ...email, recipients: email.recipients.filter((_, i) => i !== flaky) });
            rest.splice(flaky, 0, { error: 'ACCOUNT_THROTTLED', permanent: false });
            return rest;
          },
        },
        policy: { allowPrivateTargets: true, resolveHost: async () => ['127.0.0.1'] },
      }),
    });

    // Act
    await run.trigger.requestNotify(tenantId, 11);
    await run.idle();

    // Assess: one call for all six, then only the refused ones, each alone.
    expect(calls[0]?.sort()).toEqual([...good, broken.target].sort());
    expect(calls.slice(1).every((c) => c.length === 1)).toBe(true);
    expect(calls.slice(1).flat().sort()).toEqual(['broken@exa_mple', 'broken@exa_mple', 'bulk1@example.com']);
    const mail = await ses.messages();
    expect(mail.map((m) => m.to[0]).sort()).toEqual([...good].sort());
    const log = await store.deliveries.listForEntry(tenantId, `incident_update#${incident.updates[0]?.id}`);
    const byId = new Map(log.items.map((d) => [d.subscriberId, d]));
    expect(byId.get(broken.id)).toMatchObject({ state: 'failed', attempts: 3 });
    for (const [i, reader] of readers.entries()) {
      const delivery = byId.get(reader?.id as string);
      expect(delivery).toMatchObject({ state: 'sent', attempts: i === 1 ? 2 : 1 });
      expect(delivery?.messageId).toBe(mail.find((m) => m.to[0] === good[i])?.messageId);
    }
  });

  it('takes template syntax in an incident body literally', async () => {
    const reader = await emailSubscriber('reader@example.com');
    const body = 'Steps: {{subject}} {{f_unsubscribe}} {{h3}} {{{t0}}} \\{{t1}} {{#each x}}y{{/each}} {{> p}} }} {{';
    const incident = freshIncident(tenantId, `inc-${newId()}`, clock.toISOString(), [], body);
    snapshot.incidents.unshift(incident);
    await publishJson(s3.client, s3.bucket, snapshot);
    const run = notifier();

    await run.trigger.requestNotify(tenantId, 12);
    await run.idle();

    const [message, ...more] = await ses.messages();
    expect(more).toHaveLength(0);
    const links = subscriptionLinks({ apiBase, linkSecret }, tenantId, reader?.id as string);
    expect(message?.text).toContain(`\n${body}\n`);
    expect(message?.html).toContain('{{f_unsubscribe}} {{h3}} {{{t0}}}');
    expect(message?.html).toContain('{{#each x}}y{{/each}} {{&gt; p}} }} {{');
    // The reader's link appears where the message puts it, once per part, never in place of tenant text.
    expect(message?.text.split(links.unsubscribe)).toHaveLength(2);
    expect(message?.html.split(links.unsubscribe)).toHaveLength(2);
    expect(message?.subject).toBe('[Acme "Cloud"] Slow API responses — Investigating');
  });

  it('delivers exactly once when a bulk range crashes while claiming and after recording a batch', async () => {
    // Prepare: 25 readers in ranges of 10, four per bulk call; the process "dies" once during the
    // claims of a range and once right after a batch's outcomes are written.
    const addresses = Array.from({ length: 25 }, (_, i) => `b${i}@example.com`);
    for (const a of addresses) await emailSubscriber(a);
    const incident = await postIncident();
    const ses2 = createSesMailer({ client: ses.client });
    const { claim, settleMany } = store.deliveries;
    let claims = 0;
    let writes = 0;
    const crash = () => Object.assign(new Error('container killed'), { name: 'Crash' });
    store.deliveries.claim = async (...args) => {
      if (++claims === 13) throw crash();
      return claim.apply(store.deliveries, args);
    };
    store.deliveries.settleMany = async (...args) => {
      await settleMany.apply(store.deliveries, args);
      if (++writes === 3) throw crash();
    };
    const run = notifier({
      rangeSize: 10,
      claimConcurrency: 2,
      senders: createSenders({
        mailer: { maxRecipients: 4, send: ses2.send, sendBulk: ses2.sendBulk },
        policy: { allowPrivateTargets: true, resolveHost: async () => ['127.0.0.1'] },
      }),
    });

    // Act
    await run.trigger.requestNotify(tenantId, 13);
    await run.idle();
    await run.repeat(tenantId, 13);

    // Assess
    expect(claims).toBeGreaterThan(13);
    expect(writes).toBeGreaterThan(3);
    const mail = await ses.messages();
    expect(mail.map((m) => m.to[0]).sort()).toEqual([...addresses].sort());
    const log = await store.deliveries.listForEntry(tenantId, `incident_update#${incident.updates[0]?.id}`);
    expect(log.items).toHaveLength(25);
    expect(log.items.every((d) => d.state === 'sent')).toBe(true);
  });

  it('sends webhooks one by one alongside bulk email in the same range', async () => {
    const reader = await emailSubscriber('mixed@example.com');
    const { subscriber: hook } = await subscribe(deps(), {
      tenantId,
      channel: 'webhook',
      target: receiver.url,
      confirmed: true,
      linkSecret,
      allowHttp: true,
    });
    const incident = await postIncident();
    const run = notifier();

    await run.trigger.requestNotify(tenantId, 14);
    await run.idle();

    expect((await ses.messages()).map((m) => m.to[0])).toEqual(['mixed@example.com']);
    expect(receiver.received).toHaveLength(1);
    const log = await store.deliveries.listForEntry(tenantId, `incident_update#${incident.updates[0]?.id}`);
    expect(log.items.map((d) => [d.subscriberId, d.channel, d.state]).sort()).toEqual(
      [
        [reader?.id, 'email', 'sent'],
        [hook?.id, 'webhook', 'sent'],
      ].sort(),
    );
  });
});
