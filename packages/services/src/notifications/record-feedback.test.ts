import { targetHash } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import type { ServiceDeps } from '../deps.ts';
import { subscribe } from '../subscribers/subscribe.ts';
import { recordFeedback } from './record-feedback.ts';

async function setup() {
  const { store } = await createTestStore();
  const deps: ServiceDeps = {
    store,
    publishTrigger: { requestPublish: async () => {} },
    now: () => new Date(),
    log: () => {},
  };
  const { subscriber } = await subscribe(deps, {
    tenantId: 't1',
    channel: 'email',
    target: 'bouncy@example.com',
    confirmed: true,
    linkSecret: 'secret',
  });
  const ref = {
    tenantId: 't1',
    entryKey: 'incident_update#U1',
    subscriberId: subscriber?.id as string,
    channel: 'email' as const,
  };
  await store.deliveries.claim(ref, 'run-1');
  await store.deliveries.settle(ref, 'sent', { messageId: 'ses-1' });
  return { store, deps, ref };
}

describe('SES feedback', () => {
  it('a permanent bounce marks the delivery, deletes the address and suppresses its hash', async () => {
    const { store, deps, ref } = await setup();

    expect(await recordFeedback(deps, { messageId: 'ses-1', type: 'Bounce', bounceType: 'Permanent' })).toEqual({
      handled: true,
    });
    // SES delivers events at least once: the repeat is harmless.
    expect(await recordFeedback(deps, { messageId: 'ses-1', type: 'Bounce', bounceType: 'Permanent' })).toEqual({
      handled: true,
    });

    expect(await store.deliveries.get(ref)).toMatchObject({ state: 'bounced', reason: 'bounce: Permanent' });
    expect(await store.subscribers.get('t1', ref.subscriberId)).toBeUndefined();
    expect(await store.suppressions.has('t1', targetHash('t1', 'bouncy@example.com'))).toBe(true);
  });

  it('a transient bounce is logged on the delivery but keeps the subscriber; an unknown message is ignored', async () => {
    const { store, deps, ref } = await setup();
    await recordFeedback(deps, { messageId: 'ses-1', type: 'Bounce', bounceType: 'Transient' });
    expect(await store.deliveries.get(ref)).toMatchObject({ state: 'bounced' });
    expect(await store.subscribers.get('t1', ref.subscriberId)).toBeDefined();
    expect(await recordFeedback(deps, { messageId: 'unknown', type: 'Complaint' })).toEqual({ handled: false });
  });
});
