// Subscribe: a reader from the page form (email, double opt-in) or the tenant through its API (any
// channel, confirmed at once because the tenant vouches for it).
// Writes, in order (store.subscribers.create): target claim → subscriber → link token.
// - Stops after the claim: the claim names a missing subscriber; lookups ignore it and a retry takes it over.
// - Stops after the subscriber: it has no working link; a pending one is replaced by the next subscribe,
//   a confirmed one (tenant-added) works for the fan-out and can be removed by the tenant.
// Then the audit event (`subscriber.subscribed` from the reader, `subscriber.added` by the tenant); a
// stop before it leaves a subscription without its event, and asking again writes none (no change).
// Nothing is sent by this use case; the caller sends the confirmation email with the returned token.
import {
  AppError,
  newId,
  randomToken,
  type Subscriber,
  type SubscriberChannel,
  SubscriptionScope,
} from '@upstate/core';
import { linkToken, tokenHash } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber, type SubscriberActor } from './audit.ts';
import { assertKnownComponents, normaliseTarget } from './targets.ts';

export interface SubscribeInput {
  tenantId: string;
  channel: SubscriberChannel;
  target: string;
  scope?: SubscriptionScope;
  /** True when the tenant adds the subscriber (no opt-in email); false for the public form. */
  confirmed: boolean;
  /** The platform secret link tokens derive from (the notifier derives the same token for every message). */
  linkSecret: string;
  allowHttp?: boolean;
  /** The member or key adding it; absent for a reader subscribing themselves. */
  by?: SubscriberActor;
  /** An import audits its rows as one event. */
  skipAudit?: boolean;
}

export interface SubscribeResult {
  /** Absent when the address was already confirmed: the public answer must not reveal that. */
  subscriber?: Subscriber;
  /** The link token (confirm / manage / unsubscribe); stored as a hash, derivable only with the link secret. */
  token?: string;
  /** Webhook channel: the signing secret, shown once. */
  secret?: string;
}

export async function subscribe(deps: ServiceDeps, input: SubscribeInput): Promise<SubscribeResult> {
  const target = normaliseTarget(input.channel, input.target, { allowHttp: input.allowHttp ?? false });
  const scope = SubscriptionScope.parse(input.scope ?? { componentIds: null, componentUpdates: false });
  await assertKnownComponents(deps, input.tenantId, scope);
  const existing = await deps.store.subscribers.getByTarget(input.tenantId, input.channel, target);
  if (existing?.status === 'confirmed') {
    if (input.confirmed) throw new AppError('conflict', 'This address is already subscribed', { field: 'target' });
    return {};
  }
  // A pending subscription asked again gets the same link again (a new confirmation email).
  if (existing) {
    if (input.confirmed) {
      const confirmed = await deps.store.subscribers.confirm(input.tenantId, existing.id);
      if (!input.skipAudit) await auditSubscriber(deps, input.by, confirmed, 'subscriber.added', { confirmed: true });
      return { subscriber: confirmed };
    }
    return { subscriber: existing, token: linkToken(input.linkSecret, input.tenantId, existing.id) };
  }

  const secret = input.channel === 'webhook' ? `whsec_${randomToken(24)}` : null;
  const now = deps.now().toISOString();
  const id = newId(deps.now().getTime());
  const token = linkToken(input.linkSecret, input.tenantId, id);
  const subscriber: Subscriber = {
    id,
    tenantId: input.tenantId,
    channel: input.channel,
    target,
    status: input.confirmed ? 'confirmed' : 'pending',
    scope,
    createdAt: now,
    confirmedAt: input.confirmed ? now : null,
    failures: 0,
    disabledAt: null,
    secret,
  };
  await deps.store.subscribers.create(subscriber, tokenHash(token));
  if (!input.skipAudit)
    await auditSubscriber(deps, input.by, subscriber, input.confirmed ? 'subscriber.added' : 'subscriber.subscribed', {
      scope,
    });
  return { subscriber, token, ...(secret ? { secret } : {}) };
}
