import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './testing.ts';

const json = async (res: Response) => (await res.json()) as Record<string, any>;

/** The store, with `failNext(n)` making the nth write from now throw once (a transient AWS error). */
function flaky(real: Store) {
  let countdown = 0;
  const store = Object.fromEntries(
    Object.entries(real).map(([name, repo]) => [
      name,
      name === 'db' || name === 'idempotency'
        ? repo
        : new Proxy(repo as object, {
            get(target, prop, receiver) {
              const value = Reflect.get(target, prop, receiver);
              if (typeof value !== 'function' || !/^(create|save|put|set|append|begin|end|bump)/.test(String(prop)))
                return value;
              return (...args: unknown[]) => {
                if (countdown > 0 && --countdown === 0) return Promise.reject(new Error('injected: throttled'));
                return value.apply(target, args);
              };
            },
          }),
    ]),
  ) as Store;
  const failNext = (n: number) => {
    countdown = n;
  };
  return { store, failNext };
}

describe('a retry with the same Idempotency-Key after a failure', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'finishes the update the failed attempt began (write %i failed): one entry',
    async (n) => {
      // Prepare
      const { store: real } = await createTestStore();
      const { store, failNext } = flaky(real);
      const t = await createTestApp({ store });
      const acme = await t.signup();
      const incident = await json(
        await t.call(acme, 'POST', '/v1/incidents', { name: 'Outage', impact: 'major', body: 'Down' }),
      );
      const component = await json(await t.call(acme, 'POST', '/v1/components', { name: 'API' }));
      const body = {
        status: 'identified',
        body: 'Found it',
        components: [{ componentId: component.id, status: 'major_outage' }],
      };
      const headers = { 'idempotency-key': `retry-${n}` };
      // Act: the first attempt fails at its nth write, the client retries with the same key
      failNext(n);
      const failed = await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, body, headers);
      const retried = await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, body, headers);
      const replayed = await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, body, headers);
      // Assess
      expect(failed.status).toBe(500);
      expect(retried.status).toBe(201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      const stored = await real.incidents.require(acme.tenantId, incident.id);
      expect(stored.updates.filter((u) => u.body === 'Found it')).toHaveLength(1);
      expect((await real.components.require(acme.tenantId, component.id)).status).toBe('major_outage');
      const audit = (await real.audit.list(acme.tenantId, { limit: 100 })).items;
      expect(audit.filter((e) => e.action === 'incident.updated')).toHaveLength(1);
      expect(audit.filter((e) => e.action === 'component.status_changed')).toHaveLength(1);
      const state = await real.publish.get(acme.tenantId);
      expect(state.pendingSince).toBeNull();
    },
  );
});
