import { httpMonitorFixture } from '@upstate/core/testing';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './testing.ts';

const json = async (res: Response) => (await res.json()) as Record<string, any>;

/**
 * The store, with `failNext(n)` making the nth write from now throw once (a transient AWS error);
 * `writes()` counts the writes made so far.
 */
function flaky(real: Store) {
  let countdown = 0;
  let count = 0;
  const store = Object.fromEntries(
    Object.entries(real).map(([name, repo]) => [
      name,
      name === 'db' || name === 'idempotency'
        ? repo
        : new Proxy(repo as object, {
            get(target, prop, receiver) {
              const value = Reflect.get(target, prop, receiver);
              if (
                typeof value !== 'function' ||
                !/^(create|save|put|set|append|begin|end|bump|delete|remove|revoke)/.test(String(prop))
              )
                return value;
              return (...args: unknown[]) => {
                count++;
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
  return { store, failNext, writes: () => count };
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

/** The create body of an HTTP monitor of `componentId` (the check of core's fixture). */
const httpMonitor = (componentId: string) => {
  const fixture = httpMonitorFixture({
    id: 'm',
    tenantId: 't',
    componentId,
    url: 'https://api.example.com/health',
    at: '',
  });
  return { componentId, name: 'API health', config: fixture.config };
};

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Tenant = Awaited<ReturnType<TestApp['signup']>>;

interface DeleteCase {
  name: string;
  action: string;
  /** Creates what the DELETE removes; returns its path. */
  make(t: TestApp, tenant: Tenant, i: number): Promise<string>;
  gone(store: Store, tenantId: string, path: string): Promise<boolean>;
}

const idOf = (path: string) => path.split('/').at(-1) ?? '';

const deleteCases: DeleteCase[] = [
  {
    name: 'a component',
    action: 'component.deleted',
    make: async (t, a, i) =>
      `/v1/components/${(await json(await t.call(a, 'POST', '/v1/components', { name: `C${i}` }))).id}`,
    gone: async (s, tenantId, path) => (await s.components.get(tenantId, idOf(path))) === undefined,
  },
  {
    name: 'a component group',
    action: 'component_group.deleted',
    make: async (t, a, i) =>
      `/v1/component-groups/${(await json(await t.call(a, 'POST', '/v1/component-groups', { name: `G${i}` }))).id}`,
    gone: async (s, tenantId, path) => (await s.groups.get(tenantId, idOf(path))) === undefined,
  },
  {
    name: 'a maintenance',
    action: 'maintenance.deleted',
    make: async (t, a, i) => {
      const soon = new Date(Date.now() + 86_400_000);
      const body = {
        name: `M${i}`,
        scheduledFor: soon.toISOString(),
        scheduledUntil: new Date(soon.getTime() + 3_600_000).toISOString(),
        body: 'Planned',
      };
      return `/v1/maintenances/${(await json(await t.call(a, 'POST', '/v1/maintenances', body))).id}`;
    },
    gone: async (s, tenantId, path) => (await s.maintenances.get(tenantId, idOf(path))) === undefined,
  },
  {
    name: 'a monitor',
    action: 'monitor.deleted',
    make: async (t, a, i) => {
      const component = await json(await t.call(a, 'POST', '/v1/components', { name: `Watched ${i}` }));
      return `/v1/monitors/${(await json(await t.call(a, 'POST', '/v1/monitors', httpMonitor(component.id)))).id}`;
    },
    gone: async (s, tenantId, path) => (await s.monitors.get(tenantId, idOf(path))) === undefined,
  },
  {
    name: 'a subscriber',
    action: 'subscriber.removed',
    make: async (t, a, i) => {
      const body = { channel: 'email', target: `reader-${i}@example.com` };
      return `/v1/subscribers/${(await json(await t.call(a, 'POST', '/v1/subscribers', body))).id}`;
    },
    gone: async (s, tenantId, path) => (await s.subscribers.get(tenantId, idOf(path))) === undefined,
  },
];

describe('a DELETE retried with the same Idempotency-Key after a failure', () => {
  it.each(deleteCases)(
    'deletes $name once, audits it once and answers 204, whichever write failed',
    async (c) => {
      // Prepare: how many writes a DELETE of this kind makes when nothing fails
      const { store: real } = await createTestStore();
      const { store, failNext, writes } = flaky(real);
      const t = await createTestApp({ store });
      const acme = await t.signup();
      const probe = await c.make(t, acme, 0);
      const before = writes();
      expect((await t.call(acme, 'DELETE', probe)).status).toBe(204);
      const total = writes() - before;
      expect(total).toBeGreaterThanOrEqual(2);

      for (let n = 1; n <= total; n++) {
        const path = await c.make(t, acme, n);
        const headers = { 'idempotency-key': `delete-${c.action}-${n}` };
        // Act: the first attempt fails at its nth write; the client retries, then retries again
        failNext(n);
        const failed = await t.call(acme, 'DELETE', path, undefined, headers);
        const retried = await t.call(acme, 'DELETE', path, undefined, headers);
        const replayed = await t.call(acme, 'DELETE', path, undefined, headers);
        // Assess: answered as the first success would, gone, one audit event, nothing left in flight
        const where = `${c.name}, write ${n} of ${total} failed`;
        expect(failed.status, where).toBe(500);
        expect(retried.status, where).toBe(204);
        expect(replayed.status, where).toBe(204);
        expect(replayed.headers.get('idempotent-replayed'), where).toBe('true');
        expect(await replayed.text(), where).toBe('');
        expect(await c.gone(real, acme.tenantId, path), where).toBe(true);
        const audit = (await real.audit.list(acme.tenantId, { limit: 100 })).items;
        expect(
          audit.filter((e) => e.action === c.action && e.target.id === idOf(path)),
          where,
        ).toHaveLength(1);
        expect((await real.publish.get(acme.tenantId)).pendingSince, where).toBeNull();
      }
    },
    60_000,
  );

  it('still answers 404 to a first DELETE of something that does not exist, and replays it', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const headers = { 'idempotency-key': 'delete-missing' };
    const first = await t.call(acme, 'DELETE', '/v1/components/01JDZ3K7Q8W4N5R6T7Y8V9B0C1', undefined, headers);
    const again = await t.call(acme, 'DELETE', '/v1/components/01JDZ3K7Q8W4N5R6T7Y8V9B0C1', undefined, headers);
    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const audit = (await t.store.audit.list(acme.tenantId, { limit: 100 })).items;
    expect(audit.filter((e) => e.action === 'component.deleted')).toEqual([]);
  });
});
