import { notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/**
 * The tenant removes a subscriber. No suppression: the tenant may add the address again.
 * Writes: the subscriber, then its token and claim (one `store.subscribers.remove`; leftovers of a
 * stop inside it are ignored by every lookup), then the audit event (the subscriber's id, never its
 * address). A stop after the removal: the audit event is missing until a retry under the same
 * Idempotency-Key (`actor.resumed`) finds the subscriber gone and only audits; the event is written
 * only once the removal happened, and its id derives from the operation, so it is written once.
 */
export async function removeSubscriber(deps: ServiceDeps, actor: Actor, subscriberId: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const removed = await deps.store.subscribers.remove(actor.tenantId, subscriberId);
  if (!removed && !actor.resumed) throw notFound('Subscriber');
  await audit(deps, actor, operationId, 'subscriber.removed', { type: 'subscriber', id: subscriberId });
}
