// The tenant removes a subscriber. One delete of the subscriber, then its token and claim
// (store.subscribers.remove; leftovers are ignored by every lookup). No suppression: the tenant may add
// the address again.
import { notFound } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export async function removeSubscriber(
  deps: ServiceDeps,
  input: { tenantId: string; subscriberId: string },
): Promise<void> {
  if (!(await deps.store.subscribers.remove(input.tenantId, input.subscriberId))) throw notFound('Subscriber');
}
