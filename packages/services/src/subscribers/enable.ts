// Re-enable a webhook disabled after repeated failures: one conditional update (the subscriber must
// exist in this tenant); nothing else changes.
import type { Subscriber } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export async function enableSubscriber(
  deps: ServiceDeps,
  input: { tenantId: string; subscriberId: string },
): Promise<Subscriber> {
  await deps.store.subscribers.require(input.tenantId, input.subscriberId);
  return deps.store.subscribers.enable(input.tenantId, input.subscriberId);
}
