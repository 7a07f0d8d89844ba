import type { Subscriber } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import type { ServiceDeps } from '../deps.ts';
import { subscribe } from '../subscribers/subscribe.ts';
import { unsubscribe } from '../subscribers/unsubscribe.ts';
import { announce } from './announce.ts';
import { deliver, deliverBulk } from './deliver.ts';

const now = new Date('2026-11-20T12:00:00.000Z');

async function setup() {
  const { store } = await createTestStore({ now: () => now });
  const logs: string[] = [];
  const deps: ServiceDeps = {
    store,
    publishTrigger: { requestPublish: async () => {} },
    now: () => now,
    log: (message, detail) => logs.push(JSON.stringify({ message, ...detail })),
  };
  return { store, deps, logs };
}

const update = (id: string, createdAt: string, deliver = true) => ({
  id,
  status: 'investigating' as const,
  body: 'b',
  incident_id: 'inc',
  created_at: createdAt,
  updated_at: createdAt,
  display_at: createdAt,
  affected_components: null,
  deliver_notifications: deliver,
  custom_tweet: null,
  tweet_id: null,
});
const published = (updates: ReturnType<typeof update>[]) => ({
  status: { id: 't1', url: 'https://acme.example', indicator: 'minor', description: 'Minor' },
  incidents: [
    {
      id: 'inc',
      name: 'Slow',
      status: 'investigating' as const,
      impact: 'minor' as const,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      monitoring_at: null,
      resolved_at: null,
      shortlink: 'https://acme.example/incidents/inc/',
      started_at: now.toISOString(),
      page_id: 't1',
      incident_updates: updates,
      components: [],
    },
  ],
  maintenances: [],
});

describe('announce', () => {
  it('claims fresh entries once, and never backfilled ones or ones published with notifications off', async () => {
    const { deps } = await setup();
    const page = published([
      update('fresh', now.toISOString()),
      update('old', '2026-11-20T10:00:00.000Z'),
      update('quiet', now.toISOString(), false),
    ]);
    expect(await announce(deps, { tenantId: 't1', run: 'r1', published: page })).toEqual({
      entryKeys: ['incident_update#fresh'],
    });
    expect(await announce(deps, { tenantId: 't1', run: 'r2', published: page })).toEqual({ entryKeys: [] });
  });
});

describe('deliver', () => {
  it('sends once, never to a pending or removed subscriber, and keeps addresses out of the log', async () => {
    const { store, deps, logs } = await setup();
    await announce(deps, { tenantId: 't1', run: 'r1', published: published([update('u1', now.toISOString())]) });
    const entry = await store.notifyEntries.get('t1', 'incident_update#u1');
    const make = async (target: string, confirmed: boolean) =>
      (await subscribe(deps, { tenantId: 't1', channel: 'email', target, confirmed, linkSecret: 's' }))
        .subscriber as NonNullable<Awaited<ReturnType<typeof subscribe>>['subscriber']>;
    const ok = await make('ok@example.com', true);
    const pending = await make('pending@example.com', false);
    const flaky = await make('flaky@example.com', true);
    const sends: string[] = [];
    const input = (subscriber: typeof ok, fail = 0) => {
      let failures = fail;
      return {
        run: 'r1',
        entry: entry as NonNullable<typeof entry>,
        subscriber,
        groupOf: new Map(),
        backoffMs: 1,
        send: async () => {
          if (failures-- > 0) throw new Error(`Throttled sending to ${subscriber.target}`);
          sends.push(subscriber.target);
          return { messageId: `m-${subscriber.id}` };
        },
      };
    };

    expect(await deliver(deps, input(ok))).toBe('sent');
    expect(await deliver(deps, input(ok))).toBe('duplicate');
    expect(await deliver(deps, input(pending))).toBe('skipped');
    expect(await deliver(deps, input(flaky, 2))).toBe('sent');
    await unsubscribe(deps, { tenantId: 't1', subscriberId: ok.id, reason: 'unsubscribed' });
    const again = (await store.subscribers.get('t1', ok.id)) ?? { ...ok, status: 'confirmed' as const };
    expect(
      await deliver(deps, {
        ...input(again),
        entry: { ...(entry as NonNullable<typeof entry>), entryKey: 'incident_update#u2' },
      }),
    ).toBe('skipped');

    expect(sends).toEqual(['ok@example.com', 'flaky@example.com']);
    expect(
      (
        await store.deliveries.get({
          tenantId: 't1',
          entryKey: 'incident_update#u1',
          subscriberId: flaky.id,
          channel: 'email',
        })
      )?.attempts,
    ).toBe(3);
    expect(logs.join('\n')).not.toMatch(/@example\.com/);
  });
});

describe('deliverBulk', () => {
  it('sends claimed deliveries in batches; a call that fails whole retries each of its recipients alone', async () => {
    // Prepare: five confirmed readers (one suppressed) and one pending, batches of two.
    const { store, deps, logs } = await setup();
    await announce(deps, { tenantId: 't1', run: 'r1', published: published([update('u1', now.toISOString())]) });
    const entry = (await store.notifyEntries.get('t1', 'incident_update#u1')) as NonNullable<
      Awaited<ReturnType<typeof store.notifyEntries.get>>
    >;
    const subscribers: Subscriber[] = [];
    for (const [i, confirmed] of [true, true, true, true, true, false].entries()) {
      const { subscriber } = await subscribe(deps, {
        tenantId: 't1',
        channel: 'email',
        target: `b${i}@example.com`,
        confirmed,
        linkSecret: 's',
      });
      subscribers.push(subscriber as Subscriber);
    }
    const calls: string[][] = [];
    let failNext = true;
    const input = {
      run: 'r1',
      entry,
      subscribers,
      groupOf: new Map(),
      suppressed: new Set([subscribers[4]?.id as string]),
      batchSize: 2,
      backoffMs: 1,
      sendBatch: async (batch: typeof subscribers) => {
        calls.push(batch.map((s) => s.target));
        if (failNext) {
          failNext = false;
          throw new Error(`Throttled: ${batch[0]?.target}`);
        }
        return batch.map((s) => ({ messageId: `m-${s.id}` }));
      },
    };

    // Act
    const first = await deliverBulk(deps, input);
    const again = await deliverBulk(deps, input);

    // Assess: the failed first call's two recipients went again one by one; nobody twice otherwise.
    expect(first).toEqual({ sent: 4, failed: 0, duplicate: 0, skipped: 2, out_of_scope: 0 });
    expect(again).toEqual({ sent: 0, failed: 0, duplicate: 5, skipped: 1, out_of_scope: 0 });
    expect(calls[0]).toEqual(['b0@example.com', 'b1@example.com']);
    expect(calls.slice(1).map((c) => c.length)).toEqual([2, 1, 1]);
    expect(calls.flat().sort()).toEqual(
      [
        'b0@example.com',
        'b0@example.com',
        'b1@example.com',
        'b1@example.com',
        'b2@example.com',
        'b3@example.com',
      ].sort(),
    );
    const { items } = await store.deliveries.listForEntry('t1', 'incident_update#u1');
    const byId = new Map(items.map((d) => [d.subscriberId, d]));
    expect(byId.get(subscribers[0]?.id as string)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(byId.get(subscribers[2]?.id as string)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(byId.get(subscribers[4]?.id as string)).toMatchObject({ state: 'skipped', reason: 'suppressed' });
    expect(byId.has(subscribers[5]?.id as string)).toBe(false);
    expect(await store.deliveries.byMessageId(`m-${subscribers[3]?.id}`)).toMatchObject({
      subscriberId: subscribers[3]?.id,
    });
    expect(logs.join('\n')).not.toMatch(/@example\.com/);
  });
});
