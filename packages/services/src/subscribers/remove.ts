import { maskTarget, notFound } from '@upstate/core';
import { audit, auditEventOf } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

/**
 * The tenant removes a subscriber. No suppression: the tenant may add the address again.
 * Writes: marker (carrying the audit event: the subscriber's id, never its address), the subscriber
 * with its token and claim (one `store.subscribers.remove`; leftovers of a stop inside it are
 * ignored by every lookup), the audit event, end (no bump: subscribers are not on the page). A stop
 * after the removal: the reconciler records the audit event, since the subscriber is gone; a resumed
 * retry (same Idempotency-Key) finds it gone and only audits, once (the event id is the operation's).
 */
export async function removeSubscriber(deps: ServiceDeps, actor: Actor, subscriberId: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  const found = await deps.store.subscribers.get(actor.tenantId, subscriberId);
  if (!found && !actor.resumed) throw notFound('Subscriber');
  const target = { type: 'subscriber', id: subscriberId };
  // The address is personal data: the event names the channel and the masked target only.
  const detail = found ? { channel: found.channel, target: maskTarget(found.channel, found.target) } : {};
  const deleteAudit = auditEventOf(actor, operationId, 'subscriber.removed', target, detail);
  // Removed meanwhile by someone else: not this operation's change, so no audit event of it.
  let removedByOther = false;
  await changePage(
    deps,
    actor.tenantId,
    operationId,
    async (write) => {
      const removed = await write(() => deps.store.subscribers.remove(actor.tenantId, subscriberId));
      removedByOther = !removed && !actor.resumed;
      if (!removedByOther) await write(() => audit(deps, actor, operationId, 'subscriber.removed', target, detail));
    },
    { deleteAudit, pageChanges: false },
  );
  if (removedByOther) throw notFound('Subscriber');
}
