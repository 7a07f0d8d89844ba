// The tenant removes a subscriber. One delete of the subscriber, then its token and claim
// (store.subscribers.remove; leftovers are ignored by every lookup). No suppression: the tenant may add
// the address again. Then the audit event, naming the member or key.
import { notFound } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber, type SubscriberActor } from './audit.ts';

export async function removeSubscriber(
  deps: ServiceDeps,
  input: { tenantId: string; subscriberId: string; by?: SubscriberActor },
): Promise<void> {
  const found = await deps.store.subscribers.get(input.tenantId, input.subscriberId);
  if (!found || !(await deps.store.subscribers.remove(input.tenantId, input.subscriberId)))
    throw notFound('Subscriber');
  await auditSubscriber(deps, input.by, found, 'subscriber.removed');
}
