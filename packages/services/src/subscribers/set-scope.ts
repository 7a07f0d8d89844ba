// Change what a subscription covers (the reader's manage page, or the tenant).
// One conditional write (the subscriber must still exist), then its audit event (the reader, or the
// member or key).
import { AppError, type Subscriber, SubscriptionScope } from '@upstate/core';
import { tokenHash } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import { auditSubscriber, type SubscriberActor } from './audit.ts';
import { assertKnownComponents } from './targets.ts';

export async function setSubscriptionScope(
  deps: ServiceDeps,
  input: ({ token: string } | { tenantId: string; subscriberId: string }) & {
    scope: SubscriptionScope;
    by?: SubscriberActor;
  },
): Promise<Subscriber> {
  const found =
    'token' in input
      ? await deps.store.subscribers.getByToken(tokenHash(input.token))
      : await deps.store.subscribers.get(input.tenantId, input.subscriberId);
  if (!found)
    throw new AppError('not_found', 'This subscription no longer exists', {
      field: 'token' in input ? 'token' : 'subscriberId',
    });
  const scope = SubscriptionScope.parse(input.scope);
  await assertKnownComponents(deps, found.tenantId, scope);
  const updated = await deps.store.subscribers.setScope(found.tenantId, found.id, scope);
  await auditSubscriber(deps, input.by, updated, 'subscriber.scope_changed', { scope });
  return updated;
}
