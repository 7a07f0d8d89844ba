// Confirm: the reader follows the link of the opt-in email.
// Writes: subscriber pending → confirmed (one conditional update), then the suppression hash is cleared
// (the reader asked again, so an earlier unsubscribe no longer applies).
// Then the audit event (by the reader).
// - Stops after the confirm: the old suppression still blocks mail; confirming again (same link) clears it.
import { AppError, type Subscriber } from '@upstate/core';
import { targetHash, tokenHash } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber } from './audit.ts';

export async function confirmSubscription(deps: ServiceDeps, input: { token: string }): Promise<Subscriber> {
  const found = await deps.store.subscribers.getByToken(tokenHash(input.token));
  if (!found) throw new AppError('not_found', 'This link is no longer valid', { field: 'token' });
  const confirmed = await deps.store.subscribers.confirm(found.tenantId, found.id);
  await deps.store.suppressions.remove(found.tenantId, targetHash(found.tenantId, found.target));
  // A second click confirms nothing new: one event per confirmation.
  if (found.status !== 'confirmed') await auditSubscriber(deps, undefined, confirmed, 'subscriber.confirmed');
  return confirmed;
}
