// SES feedback (through the configuration set's event destination): delivered, bounced or complained.
// Writes: the delivery's state, then for a permanent bounce or a complaint the suppression hash and the
// removal of the subscriber (unsubscribe use case).
// - Stops after the state: the address is not yet suppressed; SES redelivers the event (at least once)
//   and the second pass completes it.
import type { ServiceDeps } from '../deps.ts';
import { unsubscribe } from '../subscribers/unsubscribe.ts';

export interface SesFeedback {
  messageId: string;
  type: 'Delivery' | 'Bounce' | 'Complaint';
  /** Bounces: `Permanent` suppresses; `Transient` is only logged. */
  bounceType?: string;
}

export async function recordFeedback(deps: ServiceDeps, event: SesFeedback): Promise<{ handled: boolean }> {
  const ref = await deps.store.deliveries.byMessageId(event.messageId);
  if (!ref) return { handled: false };
  if (event.type === 'Delivery') {
    await deps.store.deliveries.settle(ref, 'delivered', { messageId: event.messageId });
    return { handled: true };
  }
  const permanent = event.type === 'Complaint' || event.bounceType === 'Permanent';
  await deps.store.deliveries.settle(ref, event.type === 'Complaint' ? 'complained' : 'bounced', {
    messageId: event.messageId,
    reason: event.type === 'Bounce' ? `bounce: ${event.bounceType ?? 'unknown'}` : 'complaint',
  });
  if (permanent) {
    const reason = event.type === 'Complaint' ? 'complained' : 'bounced';
    try {
      await unsubscribe(deps, { tenantId: ref.tenantId, subscriberId: ref.subscriberId, reason });
    } catch (error) {
      // Already removed (a second event for the same address): the suppression is what matters.
      if ((error as { code?: string }).code !== 'not_found') throw error;
    }
  }
  return { handled: true };
}
