// Deliver one entry to one subscriber on its channel, exactly once.
// Writes, in order: the delivery claim (put if absent, holding the first attempt) → the send (outside the
// store) → the outcome (sent / failed with its reason); a retry first takes the next attempt (attempts
// moved from the value read, only while queued).
// - Stops after the claim or an attempt, before the send: the claim stays `queued`; the retried task or
//   the repeated run finds it queued, takes the next attempt and sends. Nothing was sent, nothing doubles.
// - Stops after the send, before the outcome: the retry sends again. This is the one window for a
//   duplicate (SES and webhooks have no idempotency key); it spans one store write.
// - A claim that is `sent`, `failed` or `skipped` is never sent again, by any run.
// `deliverBulk` keeps the same order per delivery (claim before send, outcome after), batching only
// what is not a claim: one send per ≤ 50 claimed recipients, and the outcomes of that batch written
// right after it with BatchWriteItem (25 per call), before the next batch is claimed. Its duplicate
// window is one batch (a crash between the bulk accept and those writes), against one message for
// `deliver`; a crash while claiming leaves queued claims that the retry takes the next attempt of.
import { type BulkOutcome, coversEntry, type Delivery, type Subscriber } from '@upstate/core';
import { type DeliveryRef, type NotifyEntry, targetHash } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';

export type DeliveryOutcome = 'sent' | 'failed' | 'duplicate' | 'skipped' | 'out_of_scope';

/** A send failure the sender marks as permanent (a 4xx answer, a refused address): no retry. */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}

export interface DeliverInput {
  run: string;
  entry: NotifyEntry;
  subscriber: Subscriber;
  groupOf: ReadonlyMap<string, string | null>;
  send: () => Promise<{ messageId?: string }>;
  /** Sends tried before the delivery is `failed` (default 3), with full-jitter backoff between them. */
  maxAttempts?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Whether the address is suppressed, when the caller looked it up in bulk (one read per range). */
  suppressed?: boolean;
}

export async function deliver(deps: ServiceDeps, input: DeliverInput): Promise<DeliveryOutcome> {
  const { subscriber, entry } = input;
  // Never before confirming, never after unsubscribing (a removed subscriber is not in the range read),
  // never to a disabled endpoint: checked before any claim, so a later confirm does not resurrect old entries.
  if (subscriber.status !== 'confirmed' || subscriber.disabledAt) return 'skipped';
  if (subscriber.confirmedAt && entry.claimedAt && subscriber.confirmedAt > entry.claimedAt) return 'skipped';
  if (!coversEntry(subscriber.scope, entry, input.groupOf)) return 'out_of_scope';
  const ref = {
    tenantId: entry.tenantId,
    entryKey: entry.entryKey,
    subscriberId: subscriber.id,
    channel: subscriber.channel,
  };
  const suppressed =
    subscriber.channel === 'email' &&
    (input.suppressed ??
      (await deps.store.suppressions.has(entry.tenantId, targetHash(entry.tenantId, subscriber.target))));
  const claim = await deps.store.deliveries.claim(ref, input.run);
  if (!claim.claimed && claim.delivery.state !== 'queued') return 'duplicate';
  if (suppressed) {
    await deps.store.deliveries.settle(ref, 'skipped', { reason: 'suppressed' });
    return 'skipped';
  }
  const maxAttempts = input.maxAttempts ?? 3;
  const backoff = input.backoffMs ?? 500;
  const sleep = input.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  // A fresh claim holds the first attempt; a queued claim left by a crash needs the next one.
  let attempts = claim.delivery.attempts;
  if (!claim.claimed) {
    if (attempts >= maxAttempts) {
      await deps.store.deliveries.settle(ref, 'failed', { reason: 'attempts exhausted' });
      return 'failed';
    }
    if (!(await deps.store.deliveries.beginAttempt(ref, attempts, input.run))) return 'duplicate';
    attempts++;
  }
  for (;;) {
    try {
      const { messageId } = await input.send();
      await deps.store.deliveries.settle(ref, 'sent', { messageId: messageId ?? null });
      if (subscriber.channel !== 'email' && subscriber.failures > 0) {
        await deps.store.subscribers.recordOutcome(entry.tenantId, subscriber.id, true);
      }
      return 'sent';
    } catch (error) {
      const reason = redacted(error);
      deps.log('delivery attempt failed', {
        tenantId: entry.tenantId,
        entryKey: entry.entryKey,
        subscriberId: subscriber.id,
        attempt: attempts,
        reason,
      });
      if (error instanceof PermanentFailure || attempts >= maxAttempts) {
        await deps.store.deliveries.settle(ref, 'failed', { reason });
        if (subscriber.channel !== 'email') {
          const { disabled } = await deps.store.subscribers.recordOutcome(entry.tenantId, subscriber.id, false);
          if (disabled) {
            deps.log('webhook disabled after repeated failures', {
              tenantId: entry.tenantId,
              subscriberId: subscriber.id,
            });
          }
        }
        return 'failed';
      }
      await sleep(Math.random() * backoff * 2 ** (attempts - 1));
      if (!(await deps.store.deliveries.beginAttempt(ref, attempts, input.run))) return 'duplicate';
      attempts++;
    }
  }
}

// Provider errors may quote the address ("… not verified: a@b"): it must reach no log.
const redacted = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .replace(/[^\s@<>"']+@[^\s@<>"']+/g, '<address>')
    .slice(0, 500);

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

export interface DeliverBulkInput {
  run: string;
  entry: NotifyEntry;
  /** Email subscribers (one range's worth). */
  subscribers: readonly Subscriber[];
  groupOf: ReadonlyMap<string, string | null>;
  /** Ids of subscribers whose address is suppressed (looked up in bulk). */
  suppressed: ReadonlySet<string>;
  /** Sends one message to ≤ `batchSize` subscribers: one outcome each, in order. May throw (the whole call failed). */
  sendBatch: (subscribers: Subscriber[]) => Promise<BulkOutcome[]>;
  batchSize: number;
  /** Conditional claims in flight at once (default 16). */
  claimConcurrency?: number;
  maxAttempts?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Settled = { delivery: Delivery; state: 'sent' | 'failed' | 'skipped'; messageId?: string; reason?: string };

/**
 * Delivers one entry to many email subscribers, exactly once each: every delivery is claimed
 * (conditionally, one write each) before any send; the claimed ones go out in bulk calls; a recipient
 * the bulk call refused is retried alone with backoff, the others are never sent again.
 */
export async function deliverBulk(
  deps: ServiceDeps,
  input: DeliverBulkInput,
): Promise<Record<DeliveryOutcome, number>> {
  const { entry } = input;
  const counts: Record<DeliveryOutcome, number> = { sent: 0, failed: 0, duplicate: 0, skipped: 0, out_of_scope: 0 };
  const maxAttempts = input.maxAttempts ?? 3;
  const backoff = input.backoffMs ?? 500;
  const sleep = input.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const refOf = (subscriber: Subscriber): DeliveryRef => ({
    tenantId: entry.tenantId,
    entryKey: entry.entryKey,
    subscriberId: subscriber.id,
    channel: subscriber.channel,
  });
  const settle = async (records: Settled[]) => {
    if (records.length === 0) return;
    await deps.store.deliveries.settleMany(records);
    for (const r of records) counts[r.state]++;
  };

  // The same gates as `deliver`, before any claim.
  const eligible: Subscriber[] = [];
  for (const subscriber of input.subscribers) {
    if (subscriber.status !== 'confirmed' || subscriber.disabledAt) counts.skipped++;
    else if (subscriber.confirmedAt && entry.claimedAt && subscriber.confirmedAt > entry.claimedAt) counts.skipped++;
    else if (!coversEntry(subscriber.scope, entry, input.groupOf)) counts.out_of_scope++;
    else eligible.push(subscriber);
  }

  // A send happens only for a delivery this run holds the attempt of: claimed (or its next attempt
  // taken) before the batch goes out.
  const claimAll = async (batch: readonly Subscriber[]) => {
    const held: { subscriber: Subscriber; delivery: Delivery }[] = [];
    const early: Settled[] = [];
    await pool(batch, input.claimConcurrency ?? 16, async (subscriber) => {
      const ref = refOf(subscriber);
      const claim = await deps.store.deliveries.claim(ref, input.run);
      if (!claim.claimed && claim.delivery.state !== 'queued') {
        counts.duplicate++;
        return;
      }
      let delivery = claim.delivery;
      if (input.suppressed.has(subscriber.id)) {
        early.push({ delivery, state: 'skipped', reason: 'suppressed' });
        return;
      }
      if (!claim.claimed) {
        if (delivery.attempts >= maxAttempts) {
          early.push({ delivery, state: 'failed', reason: 'attempts exhausted' });
          return;
        }
        if (!(await deps.store.deliveries.beginAttempt(ref, delivery.attempts, input.run))) {
          counts.duplicate++;
          return;
        }
        delivery = { ...delivery, attempts: delivery.attempts + 1, run: input.run };
      }
      held.push({ subscriber, delivery });
    });
    return { held, early };
  };

  const retries: { subscriber: Subscriber; delivery: Delivery; reason: string }[] = [];
  const outcomeOf = (
    item: { subscriber: Subscriber; delivery: Delivery },
    outcome: BulkOutcome | undefined,
  ): Settled | undefined => {
    if (outcome && 'messageId' in outcome)
      return { delivery: item.delivery, state: 'sent', messageId: outcome.messageId };
    const reason = redacted(outcome ? outcome.error : 'no result for this recipient');
    deps.log('delivery attempt failed', {
      tenantId: entry.tenantId,
      entryKey: entry.entryKey,
      subscriberId: item.subscriber.id,
      attempt: item.delivery.attempts,
      reason,
    });
    if (outcome?.permanent || item.delivery.attempts >= maxAttempts) {
      return { delivery: item.delivery, state: 'failed', reason };
    }
    retries.push({ ...item, reason });
    return undefined;
  };
  const sendBatch = async (batch: { subscriber: Subscriber; delivery: Delivery }[]) => {
    let outcomes: (BulkOutcome | undefined)[];
    try {
      outcomes = await input.sendBatch(batch.map((b) => b.subscriber));
    } catch (error) {
      // The whole call failed: every recipient of it takes its next attempt alone.
      outcomes = batch.map(() => ({ error: redacted(error), permanent: false }));
    }
    return batch.flatMap((item, i) => outcomeOf(item, outcomes[i]) ?? []);
  };

  // Batch by batch: claim, send, write the outcomes, then the next; a crash re-sends at most one batch.
  for (let i = 0; i < eligible.length; i += input.batchSize) {
    const { held, early } = await claimAll(eligible.slice(i, i + input.batchSize));
    await settle([...early, ...(held.length ? await sendBatch(held) : [])]);
  }

  // A refused recipient is retried alone (its own attempt, full-jitter backoff); nobody else is re-sent.
  while (retries.length) {
    const round = retries.splice(0);
    await pool(round, input.claimConcurrency ?? 16, async (item) => {
      await sleep(Math.random() * backoff * 2 ** (item.delivery.attempts - 1));
      if (!(await deps.store.deliveries.beginAttempt(refOf(item.subscriber), item.delivery.attempts, input.run))) {
        counts.duplicate++;
        return;
      }
      const next = {
        subscriber: item.subscriber,
        delivery: { ...item.delivery, attempts: item.delivery.attempts + 1 },
      };
      await settle(await sendBatch([next]));
    });
  }
  return counts;
}
