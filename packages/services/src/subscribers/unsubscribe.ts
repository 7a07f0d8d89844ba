// Unsubscribe: the reader's one-click link (RFC 8058), the manage page, a bounce or a complaint.
// Writes: the suppression hash first, then the subscriber is deleted (address gone, only the hash kept).
// Then the audit event: the reader (a link), or the platform (a bounce or complaint); masked address only.
// - Stops after the suppression: the subscriber still exists but every email to it is skipped; the
//   next click (or the retry of the one-click POST) deletes it.
import { AppError } from '@upstate/core';
import { targetHash, tokenHash } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber } from './audit.ts';

export type UnsubscribeInput =
  | { token: string; reason?: 'unsubscribed' }
  | { tenantId: string; subscriberId: string; reason: 'unsubscribed' | 'bounced' | 'complained' };

/** Resolves to the tenant id the subscription belonged to; a second click answers the same (idempotent). */
export async function unsubscribe(deps: ServiceDeps, input: UnsubscribeInput): Promise<{ tenantId: string | null }> {
  const found =
    'token' in input
      ? await deps.store.subscribers.getByToken(tokenHash(input.token))
      : await deps.store.subscribers.get(input.tenantId, input.subscriberId);
  if (!found) {
    if ('token' in input) return { tenantId: null };
    throw new AppError('not_found', 'Subscriber not found', { field: 'subscriberId' });
  }
  await deps.store.suppressions.add(
    found.tenantId,
    targetHash(found.tenantId, found.target),
    input.reason ?? 'unsubscribed',
  );
  await deps.store.subscribers.remove(found.tenantId, found.id);
  const reason = input.reason ?? 'unsubscribed';
  const by =
    reason === 'unsubscribed'
      ? undefined
      : {
          author: {
            kind: 'system' as const,
            id: 'email-feedback',
            label: `Email ${reason === 'bounced' ? 'bounce' : 'complaint'}`,
          },
        };
  await auditSubscriber(deps, by, found, 'subscriber.unsubscribed', { reason });
  return { tenantId: found.tenantId };
}
