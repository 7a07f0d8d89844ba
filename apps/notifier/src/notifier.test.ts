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
});
