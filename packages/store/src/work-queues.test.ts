import type { Maintenance, Monitor, Tenant } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextAutoTransitionAt } from './incidents.ts';
import type { Store } from './store.ts';
import { createTestStore } from './testing.ts';

// The cross-tenant queries the checker needs: the tenant directory, the maintenance
// transition queue and the conditional record of a monitor run.

let store: Store;
const clock = new Date('2026-11-20T12:00:00.000Z');

beforeEach(async () => {
  ({ store } = await createTestStore({ now: () => clock }));
});

const tenant = (id: string): Tenant => ({
  id,
  slug: `slug-${id}`,
  name: `Tenant ${id}`,
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('tenant directory', () => {
  it('lists every tenant id, and an update keeps the tenant listed', async () => {
    for (const id of ['t2', 't1', 't3']) await store.tenants.create(tenant(id));
    await store.tenants.update('t1', 1, { tenant: { name: 'Renamed', timezone: 'UTC' } });
    expect(await store.tenants.listIds()).toEqual(['t1', 't2', 't3']);
  });
});

describe('maintenance transition queue', () => {
  const base = fixtureSnapshot().maintenances[0] as Maintenance;
  const m = (id: string, tenantId: string, fields: Partial<Maintenance>): Maintenance => ({
    ...base,
    id,
    tenantId,
    scheduledFor: '2026-11-20T11:00:00.000Z',
    scheduledUntil: '2026-11-20T13:00:00.000Z',
    autoStart: true,
    autoComplete: true,
    status: 'scheduled',
    version: 1,
    ...fields,
  });

  it('is due at the start while scheduled, at the end while running, and never when nothing is automatic', () => {
    expect(nextAutoTransitionAt(m('a', 't', {}))).toBe('2026-11-20T11:00:00.000Z');
    expect(nextAutoTransitionAt(m('a', 't', { status: 'in_progress' }))).toBe('2026-11-20T13:00:00.000Z');
    expect(nextAutoTransitionAt(m('a', 't', { status: 'verifying' }))).toBe('2026-11-20T13:00:00.000Z');
    expect(nextAutoTransitionAt(m('a', 't', { autoStart: false }))).toBeNull();
    expect(nextAutoTransitionAt(m('a', 't', { status: 'in_progress', autoComplete: false }))).toBeNull();
    expect(nextAutoTransitionAt(m('a', 't', { status: 'completed' }))).toBeNull();
  });

  it('lists due transitions across tenants, oldest first, and drops a maintenance once it completes', async () => {
    await store.maintenances.create(m('start-due', 't1', {}));
    await store.maintenances.create(
      m('end-due', 't2', { status: 'in_progress', scheduledUntil: '2026-11-20T11:30:00.000Z' }),
    );
    await store.maintenances.create(m('later', 't1', { scheduledFor: '2026-11-20T12:30:00.000Z' }));
    await store.maintenances.create(m('manual', 't1', { autoStart: false }));
    expect((await store.maintenances.listDueTransitions(clock)).map((x) => x.id)).toEqual(['start-due', 'end-due']);

    const ended = await store.maintenances.require('t2', 'end-due');
    await store.maintenances.save({ ...ended, status: 'completed', version: 2 });
    expect((await store.maintenances.listDueTransitions(clock)).map((x) => x.id)).toEqual(['start-due']);
  });
});

describe('monitors.recordRun', () => {
  const monitor: Monitor = {
    id: 'm1',
    tenantId: 't1',
    componentId: 'c1',
    name: 'm1',
    config: { kind: 'heartbeat', graceSeconds: 60 },
    intervalSeconds: 60,
    failureThreshold: 3,
    recoveryThreshold: 2,
    paused: false,
    nextRunAt: '2026-11-20T11:59:00.000Z',
    lastResult: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastHeartbeatAt: '2026-11-20T11:00:00.000Z',
    createdAt: '2026-11-20T11:00:00.000Z',
    updatedAt: '2026-11-20T11:00:00.000Z',
    version: 1,
  };
  const run = {
    nextRunAt: '2026-11-20T12:01:00.000Z',
    lastResult: 'down' as const,
    consecutiveFailures: 1,
    consecutiveSuccesses: 0,
    verdict: 'operational' as const,
  };

  it('records the run once, moves the monitor out of the due queue and keeps a concurrent ping', async () => {
    await store.monitors.create(monitor);
    const [loaded] = await store.monitors.listDue(clock);
    if (!loaded) throw new Error('monitor not due');
    await store.monitors.recordHeartbeat('t1', 'm1', '2026-11-20T11:59:30.000Z');

    expect(await store.monitors.recordRun(loaded, run)).toBe(true);
    expect(await store.monitors.recordRun(loaded, run)).toBe(false);

    const stored = await store.monitors.require('t1', 'm1');
    expect(stored).toMatchObject({ ...run, lastHeartbeatAt: '2026-11-20T11:59:30.000Z', version: 1 });
    expect(await store.monitors.listDue(clock)).toEqual([]);
    expect((await store.monitors.listDue(new Date('2026-11-20T12:01:00.000Z'))).map((m) => m.id)).toEqual(['m1']);
  });

  it('refuses a run of a monitor that was edited or paused since it was loaded', async () => {
    await store.monitors.create(monitor);
    const [loaded] = await store.monitors.listDue(clock);
    if (!loaded) throw new Error('monitor not due');
    await store.monitors.save({ ...loaded, paused: true, version: 2 });
    expect(await store.monitors.recordRun(loaded, run)).toBe(false);
    expect(await store.monitors.require('t1', 'm1')).toMatchObject({ paused: true, lastResult: null });
  });
});
