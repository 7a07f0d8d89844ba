import { newId, type Subscriber } from '@upstate/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.ts';
import { targetHash, tokenHash } from './subscribers.ts';
import { createTestStore } from './testing.ts';

let store: Store;
const clock = new Date('2026-11-20T12:00:00.000Z');

const subscriber = (tenantId: string, target: string, over: Partial<Subscriber> = {}): Subscriber => ({
  id: newId(),
  tenantId,
  channel: 'email',
  target,
  status: 'pending',
  scope: { componentIds: null, componentUpdates: false },
  createdAt: clock.toISOString(),
  confirmedAt: null,
  failures: 0,
  disabledAt: null,
  secret: null,
  ...over,
});

beforeEach(async () => {
  ({ store } = await createTestStore({ now: () => clock }));
});

describe('subscribers', () => {
  it('holds one subscription per (tenant, channel, address), found by token across tenants only by its hash', async () => {
    // Prepare
    const a = subscriber('t1', 'reader@example.com');
    await store.subscribers.create(a, tokenHash('tok-a'));

    // Act + Assess
    await expect(
      store.subscribers.create(subscriber('t1', 'READER@example.com'), tokenHash('x')),
    ).rejects.toMatchObject({
      code: 'conflict',
      field: 'target',
    });
    // Another tenant may hold the same address independently.
    await store.subscribers.create(subscriber('t2', 'reader@example.com'), tokenHash('tok-b'));
    expect((await store.subscribers.getByToken(tokenHash('tok-a')))?.id).toBe(a.id);
    expect(await store.subscribers.getByToken('tok-a')).toBeUndefined();
    expect((await store.subscribers.getByTarget('t1', 'email', 'reader@example.com'))?.id).toBe(a.id);
    expect(await store.subscribers.get('t2', a.id)).toBeUndefined();
  });

  it('confirms once, and removal deletes the address, its token and its claim', async () => {
    const a = subscriber('t1', 'reader@example.com');
    await store.subscribers.create(a, tokenHash('tok'));
    expect((await store.subscribers.confirm('t1', a.id)).status).toBe('confirmed');
    expect((await store.subscribers.confirm('t1', a.id)).confirmedAt).toBe(clock.toISOString());

    expect(await store.subscribers.remove('t1', a.id)).toBe(true);
    expect(await store.subscribers.getByToken(tokenHash('tok'))).toBeUndefined();
    expect(await store.subscribers.getByTarget('t1', 'email', 'reader@example.com')).toBeUndefined();
    const raw = await store.db.doc.send(
      new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: store.db.table }),
    );
    expect(JSON.stringify(raw.Items)).not.toContain('reader@example.com');
  });

  it('splits subscribers into ranges that cover each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const s = subscriber('t1', `r${i}@example.com`);
      ids.push(s.id);
      await store.subscribers.create(s, tokenHash(`t${i}`));
    }
    await store.subscribers.create(subscriber('t2', 'other@example.com'), tokenHash('other'));

    const ranges = await store.subscribers.ranges('t1', 5);
    expect(ranges).toHaveLength(5);
    const seen: string[] = [];
    for (const range of ranges) seen.push(...(await store.subscribers.inRange('t1', range)).map((s) => s.id));
    expect(seen.sort()).toEqual([...ids].sort());
    expect(await store.subscribers.ranges('empty', 5)).toEqual([]);
  });

  it('disables a webhook after the failure limit in a row; a success resets the count', async () => {
    const w = subscriber('t1', 'https://hooks.example.com/x', { channel: 'webhook', secret: 's' });
    await store.subscribers.create(w, tokenHash('w'));
    for (let i = 0; i < 9; i++)
      expect(await store.subscribers.recordOutcome('t1', w.id, false)).toEqual({ disabled: false });
    await store.subscribers.recordOutcome('t1', w.id, true);
    for (let i = 0; i < 9; i++) await store.subscribers.recordOutcome('t1', w.id, false);
    expect(await store.subscribers.recordOutcome('t1', w.id, false)).toEqual({ disabled: true });
    expect((await store.subscribers.require('t1', w.id)).disabledAt).toBe(clock.toISOString());
  });
});

describe('deliveries', () => {
  const ref = { tenantId: 't1', entryKey: 'incident_update#U1', subscriberId: 'S1', channel: 'email' as const };

  it('claims (entry, subscriber, channel) once; a second claim sees the first', async () => {
    const first = await store.deliveries.claim(ref, 'run-1');
    const second = await store.deliveries.claim(ref, 'run-2');
    expect(first.claimed).toBe(true);
    expect(second).toMatchObject({ claimed: false, delivery: { run: 'run-1', state: 'queued' } });
  });

  it('lets exactly one of two racing retries take the next attempt, and another run only a stale claim', async () => {
    await store.deliveries.claim(ref, 'run-1');
    const results = await Promise.all([
      store.deliveries.beginAttempt(ref, 1, 'run-1'),
      store.deliveries.beginAttempt(ref, 1, 'run-1'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    // Another run may not take a claim that could still be sending, only a stale one.
    expect(await store.deliveries.beginAttempt(ref, 2, 'run-2')).toBe(false);
    expect(await store.deliveries.beginAttempt(ref, 2, 'run-2', -1)).toBe(true);
    await store.deliveries.settle(ref, 'sent', { messageId: 'm-1' });
    expect(await store.deliveries.beginAttempt(ref, 3, 'run-2', -1)).toBe(false);
    expect(await store.deliveries.byMessageId('m-1')).toEqual(ref);
    expect((await store.deliveries.listForEntry('t1', ref.entryKey)).items).toMatchObject([
      { state: 'sent', attempts: 3 },
    ]);
  });

  it('records many outcomes in batches (over 25), each as the claim left it, sent ones indexed by message id', async () => {
    // Prepare: 30 claims, one of them on its second attempt.
    const refs = Array.from({ length: 30 }, (_, i) => ({ ...ref, subscriberId: `S${String(i).padStart(2, '0')}` }));
    const held = [];
    for (const r of refs) held.push((await store.deliveries.claim(r, 'run-1')).delivery);
    await store.deliveries.beginAttempt(refs[0] as typeof ref, 1, 'run-1');
    held[0] = { ...(held[0] as (typeof held)[number]), attempts: 2 };

    // Act
    await store.deliveries.settleMany(
      held.map((delivery, i) =>
        i === 29
          ? { delivery, state: 'failed' as const, reason: 'refused' }
          : { delivery, state: 'sent' as const, messageId: `m-${i}` },
      ),
    );

    // Assess
    const { items } = await store.deliveries.listForEntry('t1', ref.entryKey);
    expect(items).toHaveLength(30);
    expect(items[0]).toMatchObject({ subscriberId: 'S00', state: 'sent', attempts: 2, messageId: 'm-0', run: 'run-1' });
    expect(items[29]).toMatchObject({ state: 'failed', reason: 'refused', messageId: null, attempts: 1 });
    expect(items.filter((d) => d.state === 'sent')).toHaveLength(29);
    expect(await store.deliveries.byMessageId('m-28')).toEqual(refs[28]);
    // A settled delivery takes no further attempt.
    expect(await store.deliveries.beginAttempt(refs[1] as typeof ref, 1, 'run-1')).toBe(false);
  });
});

describe('suppressions and notify entries', () => {
  it('keeps only a hash of a suppressed address', async () => {
    await store.suppressions.add('t1', targetHash('t1', 'Gone@Example.com'), 'unsubscribed');
    expect(await store.suppressions.has('t1', targetHash('t1', 'gone@example.com'))).toBe(true);
    expect(await store.suppressions.has('t2', targetHash('t2', 'gone@example.com'))).toBe(false);
  });

  it("respects another run's live claim of an entry, resumes its own, and takes over a stale one", async () => {
    const entry = {
      tenantId: 't1',
      entryKey: 'incident_update#U1',
      kind: 'incident' as const,
      payload: '{}',
      pageStatus: '{}',
      componentIds: [],
      componentChange: false,
      run: 'run-1',
    };
    expect(await store.notifyEntries.claim(entry, 600_000)).toBe(true);
    expect(await store.notifyEntries.claim({ ...entry, run: 'run-2' }, 600_000)).toBe(false);
    expect(await store.notifyEntries.claim(entry, 600_000)).toBe(true);
    expect(await store.notifyEntries.claim({ ...entry, run: 'run-2' }, -1)).toBe(true);
    await store.notifyEntries.complete('t1', entry.entryKey);
    expect(await store.notifyEntries.claim({ ...entry, run: 'run-3' }, -1)).toBe(false);
  });
});
