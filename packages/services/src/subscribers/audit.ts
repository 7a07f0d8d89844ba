import { type Author, maskTarget, type Subscriber } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/** Who acted on a subscription: a member or key (from the route), else the reader. */
export type SubscriberActor = Omit<Actor, 'tenantId'>;

/** A subscriber acting on their own subscription, named by the masked address and the subscription id. */
export const readerAuthor = (subscriber: Subscriber): Author => ({
  kind: 'reader',
  id: subscriber.id,
  label: `Subscriber ${maskTarget(subscriber.channel, subscriber.target)}`,
});

/**
 * The audit event of a subscription change, written after the change. The address is personal data:
 * the event carries the subscription id, its channel and the masked target, never the address.
 */
export async function auditSubscriber(
  deps: ServiceDeps,
  by: SubscriberActor | undefined,
  subscriber: Subscriber,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const actor: Actor = { ...by, tenantId: subscriber.tenantId, author: by?.author ?? readerAuthor(subscriber) };
  await audit(
    deps,
    actor,
    operationIdOf(actor, deps),
    action,
    { type: 'subscriber', id: subscriber.id },
    { channel: subscriber.channel, target: maskTarget(subscriber.channel, subscriber.target), ...detail },
  );
}
