import { type Author, type Component, newId, type PublishTrigger } from '@upstate/core';
import { httpMonitorFixture } from '@upstate/core/testing';
import { type AuditEvent, loadSnapshot, type Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from './api-keys/revoke.ts';
import { createComponent } from './components/create.ts';
import { createGroup } from './components/create-group.ts';
import { deleteComponent } from './components/delete.ts';
import { deleteGroup } from './components/delete-group.ts';
import { reorderComponents } from './components/reorder.ts';
import { setAutomaticStatuses } from './components/set-automatic-status.ts';
import { updateComponent } from './components/update.ts';
import { updateGroup } from './components/update-group.ts';
import type { ServiceDeps } from './deps.ts';
import { correctIncident } from './incidents/correct.ts';
import { openIncident } from './incidents/open.ts';
import { postIncidentUpdate } from './incidents/post-update.ts';
import { reopenIncident } from './incidents/reopen.ts';
import { resolveIncident } from './incidents/resolve.ts';
import { applyDueMaintenanceTransitions } from './maintenance/apply-auto-transitions.ts';
import { deleteMaintenance } from './maintenance/delete.ts';
import { postMaintenanceUpdate } from './maintenance/post-update.ts';
import { scheduleMaintenance } from './maintenance/schedule.ts';
import { updateMaintenance } from './maintenance/update.ts';
import { deleteMonitor } from './monitors/delete.ts';
import { recordMonitorRun } from './monitors/record-run.ts';
import { type Actor, derivedId } from './operation.ts';
import { removeSubscriber } from './subscribers/remove.ts';
import { updateTenantSettings } from './tenant/update-settings.ts';
import { creditMonitorRuns } from './uptime/credit-runs.ts';
import { creditStatusTime } from './uptime/credit-status.ts';

// Fault injection (issue 13, point 3): for every use case and every N, the Nth store write throws —
// once ("transient": the use case sees the error and carries on cleaning up) or from then on
// ("crash": the process is gone). Then (a) the reconciler alone brings the public snapshot in line
// with the store, (c) no audit event describes a change that is not stored, and (b) a retry under
// the same operation id (one Idempotency-Key) leaves exactly one entry. A delete that happened is
// audited once by the reconciler alone, before any retry.

let clock = Date.parse('2026-12-01T10:00:00.000Z');
const now = () => new Date(clock);
const author: Author = { kind: 'api_key', id: 'key-1', label: 'CI' };
const trigger: PublishTrigger = { requestPublish: async () => {} };
const baseUrl = 'http://acme.localhost:8080';
let store: Store;
let deps: ServiceDeps;
const published = new Map<string, unknown>();

const writeMethod =
  /^(create|save|put|delete|remove|set|append|begin|end|bump|update|record|claim|credit|commit|add|revoke|mark)/;

/** The store with its Nth write (counting from 1) failing; `count` reports how many writes were tried. */
function faulty(real: Store, n: number, mode: 'crash' | 'transient') {
  let writes = 0;
  const wrapped = Object.fromEntries(
    Object.entries(real).map(([name, repo]) => {
      if (name === 'db' || typeof repo !== 'object' || repo === null) return [name, repo];
      return [
        name,
        new Proxy(repo, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver);
            if (typeof value !== 'function' || typeof prop !== 'string' || !writeMethod.test(prop)) return value;
            return (...args: unknown[]) => {
              writes++;
              if (writes === n || (mode === 'crash' && writes > n)) {
                return Promise.reject(new Error(`injected fault at write ${writes} (${name}.${prop})`));
              }
              return value.apply(target, args);
            };
          },
        }),
      ];
    }),
  ) as Store;
  return { store: wrapped, count: () => writes };
}

const view = async (tenantId: string) => {
  const { contentVersion, generatedAt, ...rest } = await loadSnapshot(store, tenantId, { now: now(), baseUrl });
  return rest;
};

/** The reconciler: every stale tenant is published from a snapshot read after its version. */
async function reconcile() {
  clock += 61_000;
  for (const state of await store.publish.listStale(1000)) {
    const snapshot = await view(state.tenantId);
    if (await store.publish.commitPublished(state.tenantId, state.contentVersion)) {
      published.set(state.tenantId, snapshot);
    }
  }
}

/** An audit event is true of the store: the change it records is there. */
async function holds(tenantId: string, e: AuditEvent): Promise<boolean> {
  const id = e.target.id;
  switch (e.action) {
    case 'incident.created':
      return (await store.incidents.get(tenantId, id)) !== undefined;
    case 'incident.updated':
    case 'incident.resolved':
    case 'incident.reopened':
    case 'incident.update_corrected': {
      const incident = await store.incidents.get(tenantId, id);
      return incident?.updates.some((u) => u.createdAt >= e.at.slice(0, 19)) ?? false;
    }
    case 'component.created':
      return (await store.components.get(tenantId, id)) !== undefined;
    case 'component.deleted':
      return (await store.components.get(tenantId, id)) === undefined;
    case 'component.status_changed':
      return (await store.components.get(tenantId, id))?.status === e.detail.newStatus;
    case 'component.updated':
      return (await store.components.get(tenantId, id))?.name === 'Renamed';
    case 'component.reordered':
      return (await store.components.list(tenantId))[0]?.name === 'Database';
    case 'maintenance.deleted':
      return (await store.maintenances.get(tenantId, id)) === undefined;
    case 'component_group.deleted':
      return (await store.groups.get(tenantId, id)) === undefined;
    case 'monitor.deleted':
      return (await store.monitors.get(tenantId, id)) === undefined;
    case 'subscriber.removed':
      return (await store.subscribers.get(tenantId, id)) === undefined;
    case 'api_key.revoked':
      return (await store.apiKeys.list(tenantId)).some((k) => k.id === id && k.revokedAt !== null);
    case 'component_group.created':
      return (await store.groups.get(tenantId, id)) !== undefined;
    case 'component_group.updated':
      return (await store.groups.get(tenantId, id))?.name === 'Renamed';
    case 'tenant.updated':
      return (await store.tenants.require(tenantId)).tenant.name === 'Renamed';
    case 'maintenance.created':
      return (await store.maintenances.get(tenantId, id)) !== undefined;
    case 'maintenance.updated': {
      const m = await store.maintenances.get(tenantId, id);
      return m !== undefined && (m.status === 'in_progress' || m.name === 'Renamed');
    }
    default:
      throw new Error(`no check for ${e.action}`);
  }
}

interface World {
  tenantId: string;
  api: string;
  db: string;
  incidentId: string;
  resolvedId: string;
  maintenanceId: string;
  groupId: string;
  monitorId: string;
  subscriberId: string;
  keyId: string;
}

/** A monitor of `componentId`, due now (the checker's fixtures are plain store records). */
const monitorOf = (tenantId: string, componentId: string, id: string) =>
  httpMonitorFixture({ id, tenantId, componentId, url: 'https://api.example.com/health', at: now().toISOString() });

/**
 * A tenant with two components (one monitored), an open and a resolved incident, a maintenance, a
 * subscriber and an API key, all published.
 */
async function world(name: string): Promise<World> {
  const tenantId = name;
  await store.tenants.create({
    id: tenantId,
    slug: tenantId.toLowerCase(),
    name,
    timezone: 'UTC',
    createdAt: now().toISOString(),
  });
  const actor: Actor = { tenantId, author };
  const api = await createComponent(deps, actor, { name: 'API' });
  const db = await createComponent(deps, actor, { name: 'Database' });
  const open = await openIncident(deps, actor, {
    name: 'Slow',
    impact: 'minor',
    body: 'Looking',
    components: [{ componentId: api.id, status: 'degraded_performance' }],
  });
  const done = await openIncident(deps, actor, { name: 'Old', impact: 'minor', body: 'Gone', status: 'resolved' });
  const m = await scheduleMaintenance(deps, actor, {
    name: 'Upgrade',
    scheduledFor: new Date(clock + 3600_000).toISOString(),
    scheduledUntil: new Date(clock + 7200_000).toISOString(),
    autoStart: false,
    body: 'Planned',
  });
  const group = await createGroup(deps, actor, { name: 'Core' });
  // Due to start automatically by the time a case runs (every reconcile moves the clock 61 s on)
  await scheduleMaintenance(deps, actor, {
    name: 'Auto',
    scheduledFor: new Date(clock + 30_000).toISOString(),
    scheduledUntil: new Date(clock + 86_400_000).toISOString(),
    body: 'Automatic',
  });
  // What the deletes remove that the page does not show: records, as the API's creates leave them.
  const monitor = await store.monitors.create(monitorOf(tenantId, api.id, newId(clock)));
  const subscriber = await store.subscribers.create(
    {
      id: newId(clock),
      tenantId,
      channel: 'email',
      target: `reader@${tenantId.toLowerCase()}.example`,
      status: 'confirmed',
      scope: { componentIds: null, componentUpdates: true },
      createdAt: now().toISOString(),
      confirmedAt: now().toISOString(),
      failures: 0,
      disabledAt: null,
      secret: null,
    },
    `token-${tenantId}`,
  );
  const key = await store.apiKeys.create({
    id: newId(clock),
    tenantId,
    name: 'CI',
    scopes: ['admin'],
    prefix: 'up_live_x',
    hash: `hash-${tenantId}`,
    createdAt: now().toISOString(),
  });
  await reconcile();
  return {
    tenantId,
    api: api.id,
    db: db.id,
    incidentId: open.id,
    resolvedId: done.id,
    maintenanceId: m.id,
    groupId: group.id,
    monitorId: monitor.id,
    subscriberId: subscriber.id,
    keyId: key.id,
  };
}

interface Case {
  name: string;
  run(deps: ServiceDeps, actor: Actor, w: World): Promise<unknown>;
  /** How many entries the operation left (1 after a successful retry). */
  entries(w: World, operationId: string): Promise<number>;
  /** Deletes: the audit action a retry must leave exactly once (a crash between delete and audit loses none). */
  audited?: string;
}

const entryCount = async (w: World, id: string, operationId: string) =>
  (await store.incidents.require(w.tenantId, id)).updates.filter((u) => u.id === derivedId(operationId, 'update'))
    .length;

const cases: Case[] = [
  {
    name: 'incidents/open',
    run: (d, a, w) =>
      openIncident(d, a, {
        name: 'Down',
        impact: 'major',
        body: 'Down',
        components: [{ componentId: w.db, status: 'major_outage' }],
      }),
    entries: async (w, op) => (await store.incidents.list(w.tenantId)).items.filter((i) => i.id === op).length,
  },
  {
    name: 'incidents/post-update',
    run: (d, a, w) =>
      postIncidentUpdate(
        d,
        a,
        { incidentId: w.incidentId },
        {
          status: 'identified',
          body: 'Found',
          components: [{ componentId: w.api, status: 'partial_outage' }],
        },
      ),
    entries: (w, op) => entryCount(w, w.incidentId, op),
  },
  {
    name: 'incidents/correct',
    run: async (d, a, w) => {
      const first = (await store.incidents.require(w.tenantId, w.incidentId)).updates[0];
      return correctIncident(d, a, { incidentId: w.incidentId, updateId: first?.id ?? '' }, 'Looking (corrected)');
    },
    entries: (w, op) => entryCount(w, w.incidentId, op),
  },
  {
    name: 'incidents/resolve',
    run: (d, a, w) => resolveIncident(d, a, { incidentId: w.incidentId }, {}),
    entries: (w, op) => entryCount(w, w.incidentId, op),
  },
  {
    name: 'incidents/reopen',
    run: (d, a, w) =>
      reopenIncident(
        d,
        a,
        { incidentId: w.resolvedId },
        { body: 'Back', components: [{ componentId: w.db, status: 'degraded_performance' }] },
      ),
    entries: (w, op) => entryCount(w, w.resolvedId, op),
  },
  {
    name: 'components/create',
    run: (d, a) => createComponent(d, a, { name: 'CDN' }),
    entries: async (w, op) => ((await store.components.get(w.tenantId, op)) ? 1 : 0),
  },
  {
    name: 'components/update',
    run: (d, a, w) => updateComponent(d, a, w.api, { name: 'Renamed', status: 'major_outage' }),
    entries: async (w) => ((await store.components.get(w.tenantId, w.api))?.name === 'Renamed' ? 1 : 0),
  },
  {
    name: 'components/delete',
    audited: 'component.deleted',
    run: (d, a, w) => deleteComponent(d, a, w.db),
    entries: async (w) => ((await store.components.get(w.tenantId, w.db)) ? 0 : 1),
  },
  {
    name: 'components/reorder',
    run: (d, a, w) => reorderComponents(d, a, { components: [w.db, w.api] }),
    entries: async (w) => ((await store.components.list(w.tenantId))[0]?.id === w.db ? 1 : 0),
  },
  {
    name: 'components/create-group',
    run: (d, a) => createGroup(d, a, { name: 'Edge' }),
    entries: async (w, op) => ((await store.groups.get(w.tenantId, op)) ? 1 : 0),
  },
  {
    name: 'components/update-group',
    run: async (d, a, w) => {
      const group = (await store.groups.list(w.tenantId))[0];
      return updateGroup(d, a, group?.id ?? '', { name: 'Renamed' });
    },
    entries: async (w) => ((await store.groups.list(w.tenantId))[0]?.name === 'Renamed' ? 1 : 0),
  },
  {
    name: 'tenant/update-settings',
    run: (d, a) => updateTenantSettings(d, a, { name: 'Renamed', branding: { brandColor: '#1d4ed8' } }),
    entries: async (w) => ((await store.tenants.require(w.tenantId)).tenant.name === 'Renamed' ? 1 : 0),
  },
  {
    name: 'maintenance/delete',
    audited: 'maintenance.deleted',
    run: (d, a, w) => deleteMaintenance(d, a, w.maintenanceId),
    entries: async (w) => ((await store.maintenances.get(w.tenantId, w.maintenanceId)) ? 0 : 1),
  },
  {
    name: 'components/delete-group',
    audited: 'component_group.deleted',
    run: (d, a, w) => deleteGroup(d, a, w.groupId),
    entries: async (w) => ((await store.groups.list(w.tenantId)).length === 0 ? 1 : 0),
  },
  {
    name: 'monitors/delete',
    audited: 'monitor.deleted',
    run: (d, a, w) => deleteMonitor(d, a, w.monitorId),
    entries: async (w) => ((await store.monitors.get(w.tenantId, w.monitorId)) ? 0 : 1),
  },
  {
    name: 'subscribers/remove',
    audited: 'subscriber.removed',
    run: (d, a, w) => removeSubscriber(d, a, w.subscriberId),
    entries: async (w) => ((await store.subscribers.get(w.tenantId, w.subscriberId)) ? 0 : 1),
  },
  {
    name: 'api-keys/revoke',
    audited: 'api_key.revoked',
    run: (d, a, w) => revokeApiKey(d, a, w.keyId),
    entries: async (w) =>
      (await store.apiKeys.list(w.tenantId)).filter((k) => k.id === w.keyId && k.revokedAt !== null).length,
  },
  {
    name: 'components/set-automatic-status (checker)',
    run: async (d, _a, w) => {
      const db = await store.components.require(w.tenantId, w.db);
      return setAutomaticStatuses(d, w.tenantId, [
        { componentId: w.db, status: 'major_outage', expectedVersion: db.version },
      ]);
    },
    entries: async (w) => ((await store.components.get(w.tenantId, w.db))?.status === 'major_outage' ? 1 : 0),
  },
  {
    name: 'maintenance/apply-auto-transitions (scheduler)',
    run: async (d, _a, w) => {
      const due = (await store.maintenances.listDueTransitions(now())).filter((m) => m.tenantId === w.tenantId);
      expect(due.length).toBeLessThanOrEqual(1);
      return applyDueMaintenanceTransitions(d, due);
    },
    entries: async (w) =>
      (await store.maintenances.listLive(w.tenantId)).filter((m) => m.name === 'Auto' && m.status === 'in_progress')
        .length,
  },
  {
    name: 'maintenance/schedule',
    run: (d, a) =>
      scheduleMaintenance(d, a, {
        name: 'Migration',
        scheduledFor: new Date(clock + 86_400_000).toISOString(),
        scheduledUntil: new Date(clock + 90_000_000).toISOString(),
        body: 'Planned',
      }),
    entries: async (w, op) => ((await store.maintenances.get(w.tenantId, op)) ? 1 : 0),
  },
  {
    name: 'maintenance/post-update',
    run: (d, a, w) =>
      postMaintenanceUpdate(d, a, { maintenanceId: w.maintenanceId }, { status: 'in_progress', body: 'Started' }),
    entries: async (w, op) =>
      (await store.maintenances.require(w.tenantId, w.maintenanceId)).updates.filter(
        (u) => u.id === derivedId(op, 'update'),
      ).length,
  },
  {
    name: 'maintenance/update',
    run: (d, a, w) => updateMaintenance(d, a, w.maintenanceId, { name: 'Renamed' }),
    entries: async (w) => ((await store.maintenances.require(w.tenantId, w.maintenanceId)).name === 'Renamed' ? 1 : 0),
  },
];

beforeAll(async () => {
  ({ store } = await createTestStore({ now }));
  deps = { store, publishTrigger: trigger, now, log: () => {} };
});

describe('a write that fails at any point is never lost, doubled or misreported', () => {
  let seq = 0;
  it.each(cases)(
    '$name',
    async (c) => {
      // Prepare: how many writes the use case makes when nothing fails.
      const probe = await world(`probe${seq++}`);
      const counting = faulty(store, Number.POSITIVE_INFINITY, 'transient');
      await c.run(
        { ...deps, store: counting.store },
        { tenantId: probe.tenantId, author, operationId: newId(clock) },
        probe,
      );
      const total = counting.count();
      expect(total).toBeGreaterThanOrEqual(2);

      for (const mode of ['crash', 'transient'] as const) {
        for (let n = 1; n <= total; n++) {
          const w = await world(`t${seq++}`);
          const auditBefore = (await store.audit.list(w.tenantId, { limit: 100 })).items.length;
          const operationId = newId(clock);
          const actor: Actor = { tenantId: w.tenantId, author, operationId };
          const where = `${c.name}, ${mode} at write ${n} of ${total}`;

          // Act: the failing attempt
          await expect(c.run({ ...deps, store: faulty(store, n, mode).store }, actor, w), where).rejects.toThrow(
            /injected fault/,
          );

          // Assess (c): every audit event written describes a change that is stored
          const events = (await store.audit.list(w.tenantId, { limit: 100 })).items.slice(0, -auditBefore || undefined);
          for (const e of events) expect(await holds(w.tenantId, e), `${where}: ${e.action}`).toBe(true);

          // Assess (a): the reconciler alone brings the page in line with the store
          await reconcile();
          expect(published.get(w.tenantId), `${where}: page after reconcile`).toEqual(await view(w.tenantId));

          // Assess: a delete that happened is audited once even before any retry; one that did not, never
          if (c.audited) {
            const done = (await c.entries(w, operationId)) === 1;
            const audited = (await store.audit.list(w.tenantId, { limit: 100 })).items.filter(
              (e) => e.action === c.audited,
            );
            expect(audited.length, `${where}: ${c.audited} after reconcile, no retry`).toBe(done ? 1 : 0);
          }

          // Act: the client retries under the same Idempotency-Key (same operation id)
          await c.run(deps, { ...actor, resumed: true }, w);
          // Assess (b): exactly one entry; every audit event once and true; the page shows it
          expect(await c.entries(w, operationId), `${where}: entries after retry`).toBe(1);
          const after = (await store.audit.list(w.tenantId, { limit: 100 })).items.slice(0, -auditBefore || undefined);
          const keys = after.map((e) => `${e.action} ${e.target.id} ${JSON.stringify(e.detail)}`);
          expect(new Set(keys).size, `${where}: audit events once`).toBe(keys.length);
          if (c.audited) {
            expect(after.filter((e) => e.action === c.audited).length, `${where}: ${c.audited} once`).toBe(1);
          }
          for (const e of after) expect(await holds(w.tenantId, e), `${where}: ${e.action} after retry`).toBe(true);
          await reconcile();
          expect(published.get(w.tenantId), `${where}: page after retry`).toEqual(await view(w.tenantId));
        }
      }
    },
    120_000,
  );
});

// The checker's bookkeeping (issue 13): no operation id and no page bump, so the properties differ.
// Whichever write fails, once or from then on, and whatever the next run does: a run slot is
// recorded once, no check result or uptime minute is ever counted twice, and a failure before the
// first write loses nothing.
describe("the checker's bookkeeping stays exactly once when a write fails", () => {
  let seq = 0;
  const minute = 60_000;
  const modes = ['crash', 'transient'] as const;

  /** A tenant with two components created now; `monitored` gets a due monitor. */
  async function checkerWorld() {
    const tenantId = `chk${seq++}`;
    await store.tenants.create({
      id: tenantId,
      slug: tenantId,
      name: tenantId,
      timezone: 'UTC',
      createdAt: now().toISOString(),
    });
    const actor: Actor = { tenantId, author };
    const components: Component[] = [
      await createComponent(deps, actor, { name: 'API' }),
      await createComponent(deps, actor, { name: 'Database' }),
    ];
    return { tenantId, components };
  }
  const minutesOf = async (tenantId: string, componentId: string) => {
    const rollups = await store.rollups.list(tenantId, componentId, '2000-01-01', '2999-12-31');
    return rollups.reduce((sum, r) => sum + Object.values(r.minutes).reduce((a, b) => a + (b ?? 0), 0), 0);
  };
  /** How many writes `run` makes when nothing fails (on a fresh world). */
  async function writesOf(run: (d: ServiceDeps) => Promise<unknown>) {
    const counting = faulty(store, Number.POSITIVE_INFINITY, 'transient');
    await run({ ...deps, store: counting.store });
    return counting.count();
  }

  it('monitors/record-run: the slot is recorded once, its check at most once', async () => {
    const probe = await checkerWorld();
    const probeMonitor = await store.monitors.create(
      monitorOf(probe.tenantId, probe.components[0]?.id ?? '', newId(clock)),
    );
    const run = {
      nextRunAt: new Date(clock + minute).toISOString(),
      lastResult: 'up' as const,
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
      verdict: 'operational' as const,
    };
    const check = { at: now().toISOString(), result: 'up' as const, latencyMs: 12, statusCode: 200, error: null };
    const total = await writesOf((d) => recordMonitorRun(d, probeMonitor, run, check));
    expect(total).toBe(2);
    for (const mode of modes) {
      for (let n = 1; n <= total; n++) {
        const w = await checkerWorld();
        const loaded = await store.monitors.create(monitorOf(w.tenantId, w.components[0]?.id ?? '', newId(clock)));
        const where = `record-run, ${mode} at write ${n}`;
        // Act: the failing run, then an overlapping run that loaded the same due slot
        await expect(
          recordMonitorRun({ ...deps, store: faulty(store, n, mode).store }, loaded, run, check),
          where,
        ).rejects.toThrow(/injected fault/);
        const again = await recordMonitorRun(deps, loaded, run, check);
        // Assess: the run state moved exactly once; the check log holds the run at most once
        const stored = await store.monitors.require(w.tenantId, loaded.id);
        expect(stored.nextRunAt, where).toBe(run.nextRunAt);
        expect(again, `${where}: the replay records only a slot nobody recorded`).toBe(n === 1);
        const checks = await store.checks.list(w.tenantId, loaded.id);
        expect(checks.length, `${where}: checks`).toBe(n === 1 ? 1 : 0);
        expect(await recordMonitorRun(deps, loaded, run, check), `${where}: a third run`).toBe(false);
      }
    }
  });

  it('uptime/credit-runs: minutes before the failed write land once, none after it', async () => {
    const at = now();
    const runsOf = (w: Awaited<ReturnType<typeof checkerWorld>>) =>
      w.components.map((c, i) => ({
        monitor: monitorOf(w.tenantId, c.id, `m${i}`),
        status: i === 0 ? ('operational' as const) : ('major_outage' as const),
        componentMonitors: 1,
      }));
    const probe = await checkerWorld();
    const total = await writesOf((d) => creditMonitorRuns(d, probe.tenantId, at, runsOf(probe)));
    expect(total).toBe(2);
    for (const mode of modes) {
      for (let n = 1; n <= total; n++) {
        const w = await checkerWorld();
        const where = `credit-runs, ${mode} at write ${n}`;
        await expect(
          creditMonitorRuns({ ...deps, store: faulty(store, n, mode).store }, w.tenantId, at, runsOf(w)),
          where,
        ).rejects.toThrow(/injected fault/);
        // Assess: each component has its run's minute if its write came before the fault, else none
        for (const [i, c] of w.components.entries()) {
          expect(await minutesOf(w.tenantId, c.id), `${where}: ${c.name}`).toBe(i + 1 < n ? 1 : 0);
        }
      }
    }
  });

  it('uptime/credit-status: a span is credited once; a failure before the claim loses nothing', async () => {
    const probe = await checkerWorld();
    const total = await writesOf((d) =>
      creditStatusTime(d, probe.tenantId, new Date(clock + 10 * minute), { maxCreditMs: 86_400_000 }),
    );
    expect(total).toBe(3);
    for (const mode of modes) {
      for (let n = 1; n <= total; n++) {
        const w = await checkerWorld();
        const at = new Date(clock + 10 * minute);
        const later = new Date(at.getTime() + minute);
        const where = `credit-status, ${mode} at write ${n}`;
        // The minutes from each component's creation to the end of `later`'s minute
        const truth = (c: Component) =>
          (Math.floor(later.getTime() / minute) * minute +
            minute -
            Math.ceil(Date.parse(c.createdAt) / minute) * minute) /
          minute;
        // Act: the failing run, a replay at the same instant (an overlapping run), then the next run
        const failing = creditStatusTime({ ...deps, store: faulty(store, n, mode).store }, w.tenantId, at, {
          maxCreditMs: 86_400_000,
        });
        if (n === 1) await expect(failing, where).rejects.toThrow(/injected fault/);
        else expect((await failing).claimed, where).toBe(true);
        await creditStatusTime(deps, w.tenantId, at, { maxCreditMs: 86_400_000 });
        const next = await creditStatusTime(deps, w.tenantId, later, { maxCreditMs: 86_400_000 });
        // Assess: the next run credits exactly its minute; no component ever has more than its time,
        // and only a credit write that failed after the claim loses (its span), nothing else
        expect(next, `${where}: next run`).toEqual({ claimed: true, minutes: w.components.length });
        for (const [i, c] of w.components.entries()) {
          const lost = n >= 2 && (i + 2 === n || (mode === 'crash' && i + 2 > n));
          expect(await minutesOf(w.tenantId, c.id), `${where}: ${c.name}`).toBe(lost ? 1 : truth(c));
        }
      }
    }
  });
});
