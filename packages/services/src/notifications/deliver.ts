// Deliver one entry to one subscriber on its channel, exactly once.
// Writes, in order: the delivery claim (put if absent, holding the first attempt) → the send (outside the
// store) → the outcome (sent / failed with its reason); a retry first takes the next attempt (attempts
// moved from the value read, only while queued).
// - Stops after the claim or an attempt, before the send: the claim stays `queued`; the retried task or
//   the repeated run finds it queued, takes the next attempt and sends. Nothing was sent, nothing doubles.
// - Stops after the send, before the outcome: the retry sends again. This is the one window for a
//   duplicate (SES and webhooks have no idempotency key); it spans one store write.
// - A claim that is `sent`, `failed` or `skipped` is never sent again, by any run.
import { coversEntry, type Subscriber } from '@upstate/core';
import { type NotifyEntry, targetHash } from '@upstate/store';
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
      // Provider errors may quote the address ("… not verified: a@b"): it must reach no log.
      const reason = String((error as Error).message ?? error)
        .replace(/[^\s@<>"']+@[^\s@<>"']+/g, '<address>')
        .slice(0, 500);
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
