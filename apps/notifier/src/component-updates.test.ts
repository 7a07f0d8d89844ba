import { readFileSync } from 'node:fs';
import { createSesMailer } from '@upstate/aws';
import { startS3rver, startSesLocal } from '@upstate/aws/testing';
import { type Component, componentQuietMs, defaultBranding, newId, type TenantSnapshot } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { setAutomaticStatuses } from '@upstate/services/components/set-automatic-status';
import { updateComponent } from '@upstate/services/components/update';
import type { ServiceDeps } from '@upstate/services/deps';
import type { Actor } from '@upstate/services/operation';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from './channels/webhook.ts';
import { createLocalNotifier } from './local-notifier.ts';
import { createSenders } from './senders.ts';
import { publishJson, startReceiver } from './testing.ts';

// Component status changes outside an incident (issue 15 item 2), on the stand-ins: dynalite,
// s3rver for what the page shows, aws-ses-v2-local and a real webhook receiver.

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/statuspage-webhook-component.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;

let s3: Awaited<ReturnType<typeof startS3rver>>;
let ses: Awaited<ReturnType<typeof startSesLocal>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let store: Store;
let snapshot: TenantSnapshot;
let clock: Date;
let tenantId: string;
const linkSecret = 'test-link-secret';

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

beforeEach(async () => {
  clock = new Date();
  ({ store } = await createTestStore({ now: () => clock }));
  tenantId = `t-${newId()}`;
  snapshot = fixtureSnapshot({ tenantId, now: new Date(clock.getTime() - 2 * 86_400_000).toISOString(), name: 'Acme' });
  snapshot.baseUrl = 'http://acme.localhost:8080';
  await store.tenants.create(snapshot.tenant, defaultBranding);
  for (const c of snapshot.components) await store.components.create({ ...(c as Component), status: 'operational' });
  for (const g of snapshot.groups) await store.groups.create(g);
  await publish();
  await ses.clear();
  receiver.received.length = 0;
});

const deps = (): ServiceDeps => ({
  store,
  publishTrigger: { requestPublish: async () => {} },
  now: () => clock,
  log: () => {},
});
const person: Omit<Actor, 'tenantId'> = { author: { kind: 'api_key', id: 'k1', label: 'ops' } };
const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

/** What the publisher does: the page now shows the stored components. */
async function publish() {
  snapshot.components = await store.components.list(tenantId);
  await publishJson(s3.client, s3.bucket, snapshot);
}

function notifier() {
  return createLocalNotifier({
    store,
    s3: s3.client,
    bucket: s3.bucket,
    senders: createSenders({
      mailer: createSesMailer({ client: ses.client }),
      policy: { allowPrivateTargets: true, resolveHost: async () => ['127.0.0.1'] },
    }),
    links: { apiBase: 'http://api.upstate.test', linkSecret },
    mailDomain: 'upstate.test',
    now: () => clock,
    retryDelayMs: 0,
    backoffMs: 1,
  });
}

async function email(address: string, scope: { componentIds: string[] | null; componentUpdates: boolean }) {
  await subscribe(deps(), { tenantId, channel: 'email', target: address, confirmed: true, linkSecret, scope });
}

const subjects = async () => (await ses.messages()).map((m) => `${m.to[0]}: ${m.subject}`).sort();

describe('component status change notifications', () => {
  it('tell opted-in subscribers in scope once the page shows the change, exactly once', async () => {
    // Prepare
    const [api, other] = snapshot.components as Component[];
    await email('opted-in@example.com', { componentIds: null, componentUpdates: true });
    await email('follows-api@example.com', { componentIds: [api?.id as string], componentUpdates: true });
    await email('follows-other@example.com', { componentIds: [other?.id as string], componentUpdates: true });
    await email('incidents-only@example.com', { componentIds: null, componentUpdates: false });
    const { secret } = await subscribe(deps(), {
      tenantId,
      channel: 'webhook',
      target: receiver.url,
      confirmed: true,
      linkSecret,
      allowHttp: true,
      scope: { componentIds: null, componentUpdates: true },
    });
    const run = notifier();

    // Act: a person sets the status; the notify run of a publish before the page shows it sends nothing.
    await updateComponent(deps(), { ...person, tenantId }, api?.id as string, { status: 'major_outage' });
    await run.trigger.requestNotify(tenantId, 2);
    await run.idle();
    expect(await ses.messages()).toHaveLength(0);
    // The page shows it: the first change after a quiet spell goes out at once; repeats send nothing more.
    await publish();
    await run.trigger.requestNotify(tenantId, 3);
    await run.idle();
    await run.trigger.requestNotify(tenantId, 3);
    await run.repeat(tenantId, 3);
    later(componentQuietMs);
    await run.remindDue([tenantId], clock);
    await run.idle();

    // Assess
    expect(await run.handlers.reminderDue(tenantId)).toBe(false);
    expect(await subjects()).toEqual([
      `follows-api@example.com: [Acme] ${api?.name} is Major Outage`,
      `opted-in@example.com: [Acme] ${api?.name} is Major Outage`,
    ]);
    const [mail] = await ses.messages();
    expect(mail?.text).toContain('Operational → Major Outage');
    expect(mail?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(receiver.received).toHaveLength(1);
    const hit = receiver.received[0];
    const headers = {
      signature: hit?.headers['x-upstate-signature'] as string,
      timestamp: hit?.headers['x-upstate-timestamp'] as string,
    };
    expect(verifyWebhook(secret as string, headers, hit?.body as string, { now: clock.getTime() })).toBe(true);
    const body = JSON.parse(hit?.body as string) as Record<string, Record<string, unknown>>;
    // Held against a captured Statuspage delivery: the same sections, and every field it carries.
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture).sort());
    for (const section of ['meta', 'page', 'component', 'component_update']) {
      for (const key of Object.keys(fixture[section] ?? {})) expect(body[section]).toHaveProperty(key);
    }
    expect(body.component_update).toMatchObject({
      component_id: api?.id,
      old_status: 'operational',
      new_status: 'major_outage',
      component_type: 'Component',
    });
    expect(body.component).toMatchObject({ id: api?.id, status: 'major_outage', name: api?.name });
  });

  it('fold a flapping component’s later changes into one message for their net change', async () => {
    // Prepare
    const [api, web] = await store.components.list(tenantId);
    await email('opted-in@example.com', { componentIds: null, componentUpdates: true });
    const run = notifier();
    const monitor = async (id: string, status: Component['status']) => {
      const current = await store.components.require(tenantId, id);
      await setAutomaticStatuses(deps(), tenantId, [{ componentId: id, status, expectedVersion: current.version }]);
      await publish();
      await run.trigger.requestNotify(tenantId, Date.now());
      await run.idle();
    };

    // Act: the API component flaps four times 20 s apart, then holds; the web one flaps twice and is back.
    await monitor(api?.id as string, 'major_outage');
    later(20_000);
    await monitor(web?.id as string, 'partial_outage');
    await monitor(api?.id as string, 'operational');
    later(20_000);
    await monitor(api?.id as string, 'major_outage');
    await monitor(web?.id as string, 'operational');
    later(10_000);
    await monitor(web?.id as string, 'partial_outage');
    later(10_000);
    await monitor(api?.id as string, 'degraded_performance');
    await monitor(web?.id as string, 'operational');
    // Held: the quiet window of the later changes has not passed.
    expect((await ses.messages()).map((m) => m.subject).sort()).toEqual([
      `[Acme] ${api?.name} is Major Outage`,
      `[Acme] ${web?.name} is Partial Outage`,
    ]);
    later(componentQuietMs);
    expect(await run.remindDue([tenantId], clock)).toBe(1);
    await run.idle();

    // Assess: the API's three later flips are one message from what subscribers last heard; the web
    // component's came back to where subscribers last heard it was, one message too.
    const mail = await ses.messages();
    expect(mail.map((m) => m.subject).sort()).toEqual([
      `[Acme] ${api?.name} is Degraded Performance`,
      `[Acme] ${api?.name} is Major Outage`,
      `[Acme] ${web?.name} is Operational`,
      `[Acme] ${web?.name} is Partial Outage`,
    ]);
    expect(mail.find((m) => m.subject.includes('Degraded'))?.text).toContain('Major Outage → Degraded Performance');
    expect(mail.find((m) => m.subject.endsWith('is Operational'))?.text).toContain('Partial Outage → Operational');
  });

  it('send nothing for a change made with notify off, nor for a status an incident took over', async () => {
    const [api, web] = await store.components.list(tenantId);
    await email('opted-in@example.com', { componentIds: null, componentUpdates: true });
    const run = notifier();
    await updateComponent(deps(), { ...person, tenantId }, api?.id as string, {
      status: 'partial_outage',
      notify: false,
    });
    await updateComponent(deps(), { ...person, tenantId }, web?.id as string, { status: 'partial_outage' });
    await store.components.setStatus(tenantId, web?.id as string, 'major_outage', 'incident');
    await publish();
    later(componentQuietMs);
    await run.trigger.requestNotify(tenantId, 5);
    await run.idle();
    expect(await ses.messages()).toHaveLength(0);
  });
});
