// Re-enable a webhook disabled after repeated failures: one conditional update (the subscriber must
// exist in this tenant), then its audit event.
import type { Subscriber } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber, type SubscriberActor } from './audit.ts';

export async function enableSubscriber(
  deps: ServiceDeps,
  input: { tenantId: string; subscriberId: string; by?: SubscriberActor },
): Promise<Subscriber> {
  await deps.store.subscribers.require(input.tenantId, input.subscriberId);
  const enabled = await deps.store.subscribers.enable(input.tenantId, input.subscriberId);
  await auditSubscriber(deps, input.by, enabled, 'subscriber.enabled');
  return enabled;
}
