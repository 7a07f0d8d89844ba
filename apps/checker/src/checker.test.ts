import { createApp } from '@upstate/api';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { type Component, componentUptime, type DailyRollup, type HttpMonitorConfig, type Monitor } from '@upstate/core';
import { recordingPublishTrigger } from '@upstate/core/testing';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from './checker.ts';
import { startTarget, type Target } from './testing.ts';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

const minute = 60_000;
let pathCounter = 0;

/** The real API and a checker on one fresh table, sharing a clock the test moves. */
async function platform(options: { start?: string } = {}) {
  let clock = new Date(options.start ?? '2026-11-24T10:00:00.000Z');
  const now = () => clock;
  const { store } = await createTestStore({ now });
  const mailer = recordingMailer();
  const app = createApp({
    store,
    publishTrigger: recordingPublishTrigger(),
    dnsResolver: { resolveTxt: async () => [] },
    now,
    log: () => {},
    mailer,
  });
  const publishes = recordingPublishTrigger();
  const logs: string[] = [];
  const checker = createChecker({
    store,
    publishTrigger: publishes,
    allowPrivateTargets: true,
    now,
    log: (message) => logs.push(message),
  });

  const slug = `t-${++pathCounter}-${Date.now().toString(36)}`;
  const signup = await signUpAndVerify(app, mailer, {
    name: slug,
    slug,
    email: `${slug}@example.com`,
    password: 'correct horse battery',
  });
  const { apiKey, tenant } = signup.body as { apiKey: { key: string }; tenant: { id: string } };

  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? {} : await res.json()) as T;
  }

  const component = async (name: string, fields: Record<string, unknown> = {}) =>
    api<Component & { version: number }>('POST', '/v1/components', { name, ...fields });

  /** An HTTP monitor on its own path of the target, answering 200 until told otherwise. */
  async function httpMonitor(
    componentId: string,
    fields: Record<string, unknown> = {},
    config: Partial<HttpMonitorConfig> = {},
  ) {
    const path = `/m${++pathCounter}`;
    target.answer(path, { status: 200, body: 'ok' });
    const monitor = await api<Monitor>('POST', '/v1/monitors', {
      componentId,
      name: path,
      config: {
        kind: 'http',
        url: target.url(path),
        method: 'GET',
        expectedStatus: { min: 200, max: 299 },
        keyword: null,
        timeoutMs: 5000,
        followRedirects: false,
        headers: {},
        degradedThresholdMs: 5000,
        ...config,
      },
      failureThreshold: 3,
      recoveryThreshold: 2,
      ...fields,
    });
    return { monitor, path };
  }

  return {
    store: store as Store,
    tenantId: tenant.id,
    checker,
    publishes,
    logs,
    api,
    component,
    httpMonitor,
    now,
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
    set(iso: string) {
      clock = new Date(iso);
    },
    /** A scheduled run at each whole minute from `from` through `to` (inclusive), like the Lambda. */
    async runEachMinute(from: string, to: string) {
      for (let t = Date.parse(from); t <= Date.parse(to); t += minute) {
        clock = new Date(t);
        await checker.runDue();
      }
    },
    /** One scheduled run, then the clock moves to the next minute. */
    async tick() {
      const summary = await checker.runDue();
      clock = new Date(clock.getTime() + minute);
      return summary;
    },
    status: async (id: string) => (await store.components.require(tenant.id, id)).status,
    rollups: async (componentId: string) => store.rollups.list(tenant.id, componentId, '2026-01-01', '2026-12-31'),
  };
}

describe('automatic component status', () => {
  it('flips to major_outage after N failures and back after M successes, publishing exactly once per flip', async () => {
    const p = await platform();
    const api = await p.component('API');
    expect(api.statusSource).toBe('monitor');
    const { path, monitor } = await p.httpMonitor(api.id);

    target.answer(path, { status: 500 });
    expect(await p.tick()).toMatchObject({ checked: 1, flips: 0, published: 0 });
    expect(await p.tick()).toMatchObject({ checked: 1, flips: 0, published: 0 });
    expect(await p.status(api.id)).toBe('operational');
    expect(await p.tick()).toMatchObject({ checked: 1, flips: 1, published: 1 });
    expect(await p.store.components.require(p.tenantId, api.id)).toMatchObject({
      status: 'major_outage',
      statusSource: 'monitor',
    });
    const version = (await p.store.publish.get(p.tenantId)).contentVersion;
    expect(p.publishes.calls).toEqual([{ tenantId: p.tenantId, contentVersion: version }]);

    // Still down: no new flip, no new publish.
    expect(await p.tick()).toMatchObject({ flips: 0, published: 0 });
    target.answer(path, { status: 200 });
    expect(await p.tick()).toMatchObject({ flips: 0, published: 0 });
    expect(await p.status(api.id)).toBe('major_outage');
    expect(await p.tick()).toMatchObject({ flips: 1, published: 1 });
    expect(await p.status(api.id)).toBe('operational');
    expect(p.publishes.calls).toHaveLength(2);

    const checks = await p.store.checks.list(p.tenantId, monitor.id);
    expect(checks.map((c) => c.result)).toEqual(['up', 'up', 'down', 'down', 'down', 'down']);
    expect(checks[2]).toMatchObject({ statusCode: 500, error: 'status 500 outside 200-299' });
    expect(await p.store.monitors.require(p.tenantId, monitor.id)).toMatchObject({
      lastResult: 'up',
      consecutiveSuccesses: 2,
      consecutiveFailures: 0,
      verdict: 'operational',
    });
  });

  it('moves a slow component to degraded_performance and publishes once for two flips in one tenant', async () => {
    const p = await platform();
    const web = await p.component('Web');
    const db = await p.component('Database');
    const slow = await p.httpMonitor(web.id, {}, { degradedThresholdMs: 100 });
    const dead = await p.httpMonitor(db.id, { failureThreshold: 1 });
    target.answer(slow.path, { status: 200, delayMs: 300 });
    target.answer(dead.path, { status: 502 });
    expect(await p.tick()).toMatchObject({ checked: 2, flips: 2, published: 1 });
    expect(await p.status(web.id)).toBe('degraded_performance');
    expect(await p.status(db.id)).toBe('major_outage');
    expect(p.publishes.calls).toHaveLength(1);
  });

  it('runs each monitor on its interval, skips paused ones and does not check early', async () => {
    const p = await platform();
    const c = await p.component('Jobs');
    await p.httpMonitor(c.id, { intervalSeconds: 180 });
    await p.httpMonitor(c.id, { paused: true });
    const counts = [];
    for (let i = 0; i < 6; i++) counts.push((await p.tick()).checked);
    expect(counts).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('holds a status set by hand until it is cleared through the API', async () => {
    const p = await platform();
    const c = await p.component('Payments');
    const { path } = await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    await p.api('PATCH', `/v1/components/${c.id}`, { status: 'operational' });
    target.answer(path, { status: 503 });

    expect(await p.tick()).toMatchObject({ checked: 1, flips: 0, published: 0 });
    expect(await p.store.components.require(p.tenantId, c.id)).toMatchObject({
      status: 'operational',
      statusSource: 'manual',
    });

    await p.api('PATCH', `/v1/components/${c.id}`, { clearManualStatus: true });
    expect(await p.tick()).toMatchObject({ flips: 1, published: 1 });
    expect(await p.status(c.id)).toBe('major_outage');
  });

  it('holds a status set by an open incident, and takes over once it is resolved', async () => {
    const p = await platform();
    const c = await p.component('Search');
    const { path } = await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    target.answer(path, { status: 200 });
    await p.tick();
    const incident = await p.api<{ id: string }>('POST', '/v1/incidents', {
      name: 'Search is slow',
      status: 'investigating',
      impact: 'minor',
      body: 'Looking into it.',
      components: [{ componentId: c.id, status: 'partial_outage' }],
    });
    expect(await p.store.components.require(p.tenantId, c.id)).toMatchObject({
      status: 'partial_outage',
      statusSource: 'incident',
    });
    expect(await p.tick()).toMatchObject({ flips: 0 });
    expect(await p.status(c.id)).toBe('partial_outage');

    await p.api('POST', `/v1/incidents/${incident.id}/updates`, { status: 'resolved', body: 'Fixed.' });
    target.answer(path, { status: 500 });
    expect(await p.tick()).toMatchObject({ flips: 1 });
    expect(await p.status(c.id)).toBe('major_outage');
  });
});

describe('SSRF guard in production mode', () => {
  it('refuses loopback and a name resolving to a private address, sending nothing, and counts them down', async () => {
    const p = await platform();
    const c = await p.component('Intranet');
    const loop = await p.httpMonitor(c.id, { failureThreshold: 1 });
    const named = await p.httpMonitor(c.id, { failureThreshold: 1 }, { url: 'http://intranet.example.com/health' });
    const operatorLog: string[] = [];
    const strict = createChecker({
      store: p.store,
      publishTrigger: p.publishes,
      allowPrivateTargets: false,
      resolveHost: async (host) => (host === 'intranet.example.com' ? ['10.20.30.40'] : []),
      now: p.now,
      log: (message, detail) => operatorLog.push(JSON.stringify({ message, ...detail })),
    });
    const before = target.requests.length;
    expect(await strict.runDue()).toMatchObject({ checked: 2, flips: 1, published: 1 });
    expect(target.requests.length).toBe(before);
    const [refusedLoop] = await p.store.checks.list(p.tenantId, loop.monitor.id);
    const [refusedName] = await p.store.checks.list(p.tenantId, named.monitor.id);
    // The tenant sees only that the target is not allowed (issue 14 item 13): how a name resolves
    // inside the platform goes to the operator log, never to /v1/monitors/{id}/checks.
    expect(refusedLoop).toMatchObject({ result: 'down', error: 'target not allowed' });
    expect(refusedName).toMatchObject({ result: 'down', error: 'target not allowed' });
    const checks = await p.api<{ data: unknown[] }>('GET', `/v1/monitors/${named.monitor.id}/checks`);
    expect(JSON.stringify(checks)).not.toContain('10.20.30.40');
    expect(operatorLog.join('\n')).toContain('target refused: intranet.example.com → 10.20.30.40 is a private address');
    expect(operatorLog.join('\n')).toContain('target refused: 127.0.0.1 → 127.0.0.1 is a loopback address');
  });
});

describe('run budget', () => {
  it('starts no check once the budget is spent, leaving the monitors due for the next run', async () => {
    const p = await platform();
    const c = await p.component('Budgeted');
    const { monitor } = await p.httpMonitor(c.id);
    const spent = createChecker({
      store: p.store,
      publishTrigger: p.publishes,
      allowPrivateTargets: true,
      now: p.now,
      runBudgetMs: 0,
    });
    expect(await spent.runDue()).toMatchObject({ checked: 0 });
    expect(await p.store.checks.list(p.tenantId, monitor.id)).toEqual([]);
    expect(await p.checker.runDue()).toMatchObject({ checked: 1 });
  });
});

describe('heartbeat monitors', () => {
  it('goes down once interval + grace pass without a ping, and recovers on the next ping', async () => {
    const p = await platform();
    const c = await p.component('Nightly export');
    const created = await p.api<Monitor & { heartbeatUrl: string }>('POST', '/v1/monitors', {
      componentId: c.id,
      name: 'export cron',
      config: { kind: 'heartbeat', graceSeconds: 60 },
      intervalSeconds: 300,
    });
    // 5 min interval + 1 min grace from creation: up through minute 6, down at minute 7.
    const results: string[] = [];
    for (let i = 0; i < 8; i++) {
      await p.tick();
      results.push((await p.store.monitors.require(p.tenantId, created.id)).lastResult ?? 'none');
    }
    expect(results).toEqual(['up', 'up', 'up', 'up', 'up', 'up', 'up', 'down']);
    expect(await p.status(c.id)).toBe('major_outage');
    expect(p.publishes.calls).toHaveLength(1);
    const [down] = await p.store.checks.list(p.tenantId, created.id, { limit: 1 });
    expect(down?.error).toBe('no ping since 2026-11-24T10:00:00.000Z (interval 300 s + grace 60 s)');

    const token = new URL(created.heartbeatUrl).pathname.split('/').at(-1);
    await p.api('POST', `/v1/heartbeats/${token}`);
    expect(await p.tick()).toMatchObject({ checked: 1, flips: 1, published: 1 });
    expect(await p.status(c.id)).toBe('operational');
  });
});

describe('rollups and uptime', () => {
  it('adds each run’s minutes in the status the component had, matching the core uptime maths', async () => {
    const p = await platform();
    const c = await p.component('Checkout');
    const { path } = await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    // up, up, down, down, up  →  operational 3 min, major_outage 2 min.
    for (const status of [200, 200, 500, 500, 200]) {
      target.answer(path, { status });
      await p.tick();
    }
    const rollups = await p.rollups(c.id);
    expect(rollups).toEqual([{ componentId: c.id, day: '2026-11-24', minutes: { operational: 3, major_outage: 2 } }]);
    const uptime = componentUptime(rollups, { now: p.now(), startDate: c.startDate, days: 3 });
    // Hand-computed: 1 − 2/5.
    expect(uptime.days.map((d) => d.uptime)).toEqual([null, null, 0.6]);
    expect(uptime.windows['7d']).toBeCloseTo(0.6, 10);
    expect(uptime.days.at(-1)?.worst).toBe('major_outage');
  });

  it('credits each monitor its share so a component with two monitors counts its time once', async () => {
    const p = await platform();
    const c = await p.component('Edge');
    await p.httpMonitor(c.id);
    await p.httpMonitor(c.id, { intervalSeconds: 120 });
    for (let i = 0; i < 4; i++) await p.tick();
    // Minutes 0,1,2,3: the 60 s monitor 4 runs × 1 min ÷ 2, the 120 s one 2 runs × 2 min ÷ 2.
    expect(await p.rollups(c.id)).toEqual([{ componentId: c.id, day: '2026-11-24', minutes: { operational: 4 } }]);
  });

  it('splits by UTC day, and leaves days before the component existed without data', async () => {
    const p = await platform({ start: '2026-11-24T23:58:00.000Z' });
    const c = await p.component('Auth');
    await p.httpMonitor(c.id);
    for (let i = 0; i < 4; i++) await p.tick();
    const rollups = await p.rollups(c.id);
    expect(rollups.map((r: DailyRollup) => [r.day, r.minutes.operational])).toEqual([
      ['2026-11-24', 2],
      ['2026-11-25', 2],
    ]);
    const uptime = componentUptime(rollups, { now: p.now(), startDate: c.startDate, days: 4 });
    expect(uptime.days.map((d) => [d.day, d.uptime])).toEqual([
      ['2026-11-22', null],
      ['2026-11-23', null],
      ['2026-11-24', 1],
      ['2026-11-25', 1],
    ]);
  });

  it('excludes maintenance: its minutes are under_maintenance and monitors do not flip the component', async () => {
    const p = await platform();
    const c = await p.component('Warehouse');
    const { path } = await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    await p.api('POST', '/v1/maintenances', {
      name: 'Database upgrade',
      componentIds: [c.id],
      scheduledFor: '2026-11-24T10:03:00.000Z',
      scheduledUntil: '2026-11-24T10:05:00.000Z',
      body: 'Planned downtime.',
    });
    for (let i = 0; i < 3; i++) await p.tick(); // 10:00–10:02 operational
    target.answer(path, { status: 503 });
    const during = [await p.tick(), await p.tick()]; // 10:03, 10:04: in maintenance, target down
    expect(during.map((s) => [s.maintenanceTransitions, s.flips, s.published])).toEqual([
      [1, 0, 1],
      [0, 0, 0],
    ]);
    expect(await p.status(c.id)).toBe('operational');
    const after = await p.tick(); // 10:05: maintenance ends, the monitor's verdict applies, one publish
    expect(after).toMatchObject({ maintenanceTransitions: 1, flips: 1, published: 1 });
    expect(await p.status(c.id)).toBe('major_outage');

    const rollups = await p.rollups(c.id);
    expect(rollups[0]?.minutes).toEqual({ operational: 3, under_maintenance: 2, major_outage: 1 });
    // Hand-computed: maintenance leaves the ratio; 1 − 1/4.
    expect(componentUptime(rollups, { now: p.now(), days: 1 }).days[0]?.uptime).toBe(0.75);
  });
});

describe('maintenance and a recovery', () => {
  it('lets a component recover during maintenance, but not fall', async () => {
    const p = await platform();
    const c = await p.component('Mail');
    const { path } = await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    target.answer(path, { status: 500 });
    await p.tick(); // 10:00 major_outage
    expect(await p.status(c.id)).toBe('major_outage');
    await p.api('POST', '/v1/maintenances', {
      name: 'Mail relay swap',
      componentIds: [c.id],
      scheduledFor: '2026-11-24T10:01:00.000Z',
      scheduledUntil: '2026-11-24T10:10:00.000Z',
      body: 'Swapping relays.',
    });
    target.answer(path, { status: 200 });
    expect(await p.tick()).toMatchObject({ flips: 1 }); // 10:01 recovered inside the window
    expect(await p.status(c.id)).toBe('operational');
    target.answer(path, { status: 500 });
    expect(await p.tick()).toMatchObject({ flips: 0, published: 0 }); // 10:02 down, but planned
    expect(await p.status(c.id)).toBe('operational');
  });
});

describe('maintenance automation', () => {
  it('starts and completes maintenance on time, publishing each change once, with no monitors at all', async () => {
    const p = await platform();
    const c = await p.component('Billing');
    const m = await p.api<{ id: string }>('POST', '/v1/maintenances', {
      name: 'Billing migration',
      componentIds: [c.id],
      scheduledFor: '2026-11-24T10:02:00.000Z',
      scheduledUntil: '2026-11-24T10:04:00.000Z',
      body: 'We are migrating.',
    });
    const summaries = [];
    for (let i = 0; i < 6; i++) summaries.push(await p.tick());
    expect(summaries.map((s) => [s.maintenanceTransitions, s.published])).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    const stored = await p.store.maintenances.require(p.tenantId, m.id);
    expect(stored.status).toBe('completed');
    expect(stored.updates.map((u) => [u.status, u.author.kind])).toEqual([
      ['scheduled', 'api_key'],
      ['in_progress', 'system'],
      ['completed', 'system'],
    ]);
  });
});

describe('rollover', () => {
  it('publishes every tenant once per UTC day, across checker instances', async () => {
    const p = await platform({ start: '2026-11-24T23:59:00.000Z' });
    const other = createChecker({
      store: p.store,
      publishTrigger: p.publishes,
      allowPrivateTargets: true,
      now: p.now,
    });
    const tenants = await p.store.tenants.listIds();
    expect(tenants).toContain(p.tenantId);
    expect(await p.checker.rollover()).toBe(tenants.length);
    expect(await p.checker.rollover()).toBe(0);
    expect(await other.rollover()).toBe(0);
    expect(p.publishes.calls.filter((c) => c.tenantId === p.tenantId)).toHaveLength(1);

    p.advance(2 * minute); // 00:01 the next day
    expect(await other.rollover()).toBe(tenants.length);
    expect(await p.checker.rollover()).toBe(0);
    expect(p.publishes.calls.filter((c) => c.tenantId === p.tenantId)).toHaveLength(2);
  });
});

describe('overlapping runs', () => {
  it('records each due monitor once when two checkers run at the same time', async () => {
    const p = await platform();
    const c = await p.component('Queue');
    const monitors = [];
    for (let i = 0; i < 5; i++) monitors.push((await p.httpMonitor(c.id)).monitor);
    const second = createChecker({
      store: p.store,
      publishTrigger: p.publishes,
      allowPrivateTargets: true,
      now: p.now,
    });
    const [a, b] = await Promise.all([p.checker.runDue(), second.runDue()]);
    expect((a?.checked ?? 0) + (b?.checked ?? 0)).toBe(5);
    for (const m of monitors) expect(await p.store.checks.list(p.tenantId, m.id)).toHaveLength(1);
    expect(await p.rollups(c.id)).toEqual([{ componentId: c.id, day: '2026-11-24', minutes: { operational: 1 } }]);
  });
});

describe('status time of components without a monitor', () => {
  it('credits an incident’s partial_outage for exactly its 120 minutes, matching the core uptime maths', async () => {
    const p = await platform();
    const docs = await p.component('Docs'); // no monitor: its status comes from people and incidents
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:10:00.000Z');
    // Opened between runs: credited from the next run's minute (run granularity).
    p.set('2026-11-24T10:10:30.000Z');
    const incident = await p.api<{ id: string }>('POST', '/v1/incidents', {
      name: 'Docs are partly down',
      status: 'investigating',
      impact: 'minor',
      body: 'Some pages fail.',
      components: [{ componentId: docs.id, status: 'partial_outage' }],
    });
    await p.runEachMinute('2026-11-24T10:11:00.000Z', '2026-11-24T12:10:00.000Z');
    p.set('2026-11-24T12:10:30.000Z');
    await p.api('POST', `/v1/incidents/${incident.id}/resolve`, { body: 'Fixed.' });
    expect(await p.status(docs.id)).toBe('operational');
    await p.runEachMinute('2026-11-24T12:11:00.000Z', '2026-11-24T12:29:00.000Z');

    // Runs 10:00–12:29 each stand for their minute: 10:00–10:11 and 12:11–12:30 operational (11 + 19),
    // 10:11–12:11 partial_outage (120).
    const rollups = await p.rollups(docs.id);
    expect(rollups).toEqual([
      { componentId: docs.id, day: '2026-11-24', minutes: { operational: 30, partial_outage: 120 } },
    ]);
    const uptime = componentUptime(rollups, { now: p.now(), startDate: docs.startDate, days: 2 });
    // Hand-computed: 1 − 120 × 0.3 / 150 = 0.76.
    expect(uptime.days.map((d) => [d.day, d.uptime, d.worst])).toEqual([
      ['2026-11-23', null, null],
      ['2026-11-24', 0.76, 'partial_outage'],
    ]);
    expect(uptime.windows['24h']).toBeCloseTo(0.76, 12);
    expect(uptime.windows['90d']).toBeCloseTo(0.76, 12);
  }, 120_000); // 150 scheduled runs on dynalite

  it('credits a span once when runs overlap or repeat at the same instant or minute', async () => {
    const p = await platform();
    const c = await p.component('Status API');
    await p.checker.runDue(); // 10:00: the tenant's first credit, [10:00, 10:01)
    p.set('2026-11-24T10:05:00.000Z');
    const others = Array.from({ length: 3 }, () =>
      createChecker({ store: p.store, publishTrigger: p.publishes, allowPrivateTargets: true, now: p.now }),
    );
    await Promise.all([p.checker.runDue(), ...others.map((o) => o.runDue())]);
    await p.checker.runDue();
    p.set('2026-11-24T10:05:59.999Z'); // same minute: nothing new
    await others[0]?.runDue();
    // [10:00, 10:06) once: the four runs at 10:05 claim the same span and one wins.
    expect(await p.rollups(c.id)).toEqual([{ componentId: c.id, day: '2026-11-24', minutes: { operational: 6 } }]);
    expect((await p.store.rollups.statusCredit(p.tenantId))?.creditedUntil).toBe('2026-11-24T10:06:00.000Z');
  });

  it('never credits a component with an active monitor twice, and hands over exactly when it goes', async () => {
    const p = await platform();
    const watched = await p.component('Watched');
    const plain = await p.component('Plain');
    const paused = await p.component('Paused monitor');
    const { monitor } = await p.httpMonitor(watched.id);
    await p.httpMonitor(paused.id, { paused: true });
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:04:00.000Z');
    expect(await p.rollups(watched.id)).toEqual([
      { componentId: watched.id, day: '2026-11-24', minutes: { operational: 5 } },
    ]);
    expect((await p.rollups(plain.id))[0]?.minutes).toEqual({ operational: 5 });
    expect((await p.rollups(paused.id))[0]?.minutes).toEqual({ operational: 5 });

    // The monitor goes: from the next run its component is credited by status, with no overlap.
    p.set('2026-11-24T10:04:30.000Z');
    await p.api('DELETE', `/v1/monitors/${monitor.id}`);
    await p.runEachMinute('2026-11-24T10:05:00.000Z', '2026-11-24T10:06:00.000Z');
    expect((await p.rollups(watched.id))[0]?.minutes).toEqual({ operational: 7 });
    expect((await p.rollups(plain.id))[0]?.minutes).toEqual({ operational: 7 });
  });

  it('takes over a paused 10-minute monitor only once the time its last run credited is over', async () => {
    const p = await platform();
    const c = await p.component('Reports');
    const { monitor } = await p.httpMonitor(c.id, { intervalSeconds: 600 });
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:01:00.000Z'); // the 10:00 run covers 10:00–10:10
    p.set('2026-11-24T10:01:30.000Z');
    await p.api('PATCH', `/v1/monitors/${monitor.id}`, { paused: true });
    await p.runEachMinute('2026-11-24T10:02:00.000Z', '2026-11-24T10:12:00.000Z');
    // 10 minutes by the monitor, then 10:10–10:13 by status: each minute of 10:00–10:13 once.
    expect(await p.rollups(c.id)).toEqual([{ componentId: c.id, day: '2026-11-24', minutes: { operational: 13 } }]);
  });

  it('after runs that did not reach the tenant, neither path counts the gap twice', async () => {
    const p = await platform();
    const leaving = await p.component('Loses its monitor');
    const arriving = await p.component('Gains a monitor');
    const { monitor } = await p.httpMonitor(leaving.id);
    // A checker whose status pass reaches no tenant (budget spent); its monitor pass still runs.
    const starved = createChecker({
      store: p.store,
      publishTrigger: p.publishes,
      allowPrivateTargets: true,
      now: p.now,
      creditBudgetMs: 0,
    });
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:02:00.000Z');
    for (const t of ['10:03', '10:04', '10:05']) {
      if (t === '10:05') {
        p.set('2026-11-24T10:04:30.000Z');
        await p.httpMonitor(arriving.id);
      }
      p.set(`2026-11-24T${t}:00.000Z`);
      await starved.runDue();
    }
    p.set('2026-11-24T10:05:30.000Z');
    await p.api('DELETE', `/v1/monitors/${monitor.id}`);
    await p.runEachMinute('2026-11-24T10:06:00.000Z', '2026-11-24T10:06:00.000Z');
    // Losing: monitor 10:00–10:06, status from 10:06 (the gap 10:03–10:06 is not credited again).
    // Gaining: status 10:00–10:03, then the gap's part before its monitor existed, 10:03–10:05;
    // the monitor 10:05–10:07.
    expect((await p.rollups(leaving.id))[0]?.minutes).toEqual({ operational: 7 });
    expect((await p.rollups(arriving.id))[0]?.minutes).toEqual({ operational: 7 });
  });

  it('splits a credit at UTC midnight, leaving the days before the component without data', async () => {
    const p = await platform({ start: '2026-11-24T23:58:00.000Z' });
    const c = await p.component('Billing');
    await p.checker.runDue(); // 23:58 → [23:58, 23:59)
    p.set('2026-11-25T00:03:00.000Z'); // runs missed; one credit [23:59, 00:04) spans midnight
    await p.checker.runDue();
    const rollups = await p.rollups(c.id);
    expect(rollups.map((r) => [r.day, r.minutes])).toEqual([
      ['2026-11-24', { operational: 2 }],
      ['2026-11-25', { operational: 4 }],
    ]);
    const uptime = componentUptime(rollups, { now: p.now(), startDate: c.startDate, days: 3 });
    expect(uptime.days.map((d) => [d.day, d.uptime])).toEqual([
      ['2026-11-23', null],
      ['2026-11-24', 1],
      ['2026-11-25', 1],
    ]);
  });

  it('credits maintenance as under_maintenance, which the uptime maths leaves out', async () => {
    const p = await platform();
    const c = await p.component('Warehouse');
    await p.api('POST', '/v1/maintenances', {
      name: 'Database upgrade',
      componentIds: [c.id],
      scheduledFor: '2026-11-24T10:03:00.000Z',
      scheduledUntil: '2026-11-24T10:05:00.000Z',
      body: 'Planned downtime.',
    });
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:05:00.000Z');
    p.set('2026-11-24T10:05:30.000Z');
    await p.api('PATCH', `/v1/components/${c.id}`, { status: 'major_outage' }); // by hand, between runs
    await p.runEachMinute('2026-11-24T10:06:00.000Z', '2026-11-24T10:06:00.000Z');
    const rollups = await p.rollups(c.id);
    // 10:00–10:03 and 10:05–10:06 operational, 10:03–10:05 maintenance, 10:06–10:07 major_outage.
    expect(rollups[0]?.minutes).toEqual({ operational: 4, under_maintenance: 2, major_outage: 1 });
    // Hand-computed: maintenance leaves the ratio; 1 − 1/5.
    expect(componentUptime(rollups, { now: p.now(), days: 1 }).days[0]?.uptime).toBeCloseTo(0.8, 12);
  });

  it('credits a component created mid-day only from its creation, assuming the status held between runs', async () => {
    const p = await platform();
    const early = await p.component('Early');
    await p.checker.runDue(); // 10:00 → [10:00, 10:01)
    p.set('2026-11-24T13:20:30.000Z');
    const late = await p.component('Late');
    p.set('2026-11-24T14:00:00.000Z'); // the checker was away: [10:01, 14:01) in one credit
    await p.checker.runDue();
    expect((await p.rollups(early.id))[0]?.minutes).toEqual({ operational: 241 });
    // From the first whole minute it existed, 13:21, to 14:01.
    expect(await p.rollups(late.id)).toEqual([
      { componentId: late.id, day: '2026-11-24', minutes: { operational: 40 } },
    ]);
  });

  it('credits at most 24 h after a long checker outage; the days before stay without data', async () => {
    const p = await platform();
    const c = await p.component('Gateway');
    await p.checker.runDue(); // 2026-11-24 10:00 → [10:00, 10:01)
    p.set('2026-11-27T10:00:00.000Z');
    await p.checker.runDue(); // capped to [11-26 10:01, 11-27 10:01)
    const rollups = await p.rollups(c.id);
    expect(rollups.map((r) => [r.day, r.minutes.operational])).toEqual([
      ['2026-11-24', 1],
      ['2026-11-26', 839],
      ['2026-11-27', 601],
    ]);
    const uptime = componentUptime(rollups, { now: p.now(), startDate: c.startDate, days: 4 });
    expect(uptime.days.map((d) => d.uptime)).toEqual([1, null, 1, 1]);
  });
});

// Issue 14 item 10: inside a maintenance window the uptime credits what the page shows, and an
// outage outranks maintenance on the page.
describe('an outage inside a maintenance window', () => {
  const window = {
    name: 'Database upgrade',
    scheduledFor: '2026-11-24T10:03:00.000Z',
    scheduledUntil: '2026-11-24T10:05:00.000Z',
    body: 'Planned downtime.',
  };

  it('credits a component without monitors as the outage the page shows, not as maintenance', async () => {
    // Prepare: maintenance 10:03–10:05; an outage set by hand at 10:02:30
    const p = await platform();
    const c = await p.component('Warehouse');
    await p.api('POST', '/v1/maintenances', { ...window, componentIds: [c.id] });
    await p.runEachMinute('2026-11-24T10:00:00.000Z', '2026-11-24T10:02:00.000Z');
    p.set('2026-11-24T10:02:30.000Z');
    await p.api('PATCH', `/v1/components/${c.id}`, { status: 'major_outage' });
    // Act
    await p.runEachMinute('2026-11-24T10:03:00.000Z', '2026-11-24T10:05:00.000Z');
    // Assess: 10:00–10:03 operational, 10:03–10:06 major_outage (the page showed the outage throughout)
    const rollups = await p.rollups(c.id);
    expect(rollups[0]?.minutes).toEqual({ operational: 3, major_outage: 3 });
    expect(componentUptime(rollups, { now: p.now(), days: 1 }).days[0]?.uptime).toBe(0.5);
  });

  it('credits a monitored component as the outage the page shows, not as maintenance', async () => {
    // Prepare: a healthy monitor; the outage is set by hand at 10:02:30, before the window opens
    const p = await platform();
    const c = await p.component('Warehouse');
    await p.httpMonitor(c.id, { failureThreshold: 1, recoveryThreshold: 1 });
    await p.api('POST', '/v1/maintenances', { ...window, componentIds: [c.id] });
    for (let i = 0; i < 3; i++) await p.tick(); // 10:00–10:02
    p.set('2026-11-24T10:02:30.000Z');
    await p.api('PATCH', `/v1/components/${c.id}`, { status: 'major_outage' });
    // Act: the runs at 10:03 and 10:04 (inside the window), then 10:05
    for (const at of ['2026-11-24T10:03:00.000Z', '2026-11-24T10:04:00.000Z', '2026-11-24T10:05:00.000Z']) {
      p.set(at);
      await p.checker.runDue();
    }
    // Assess
    expect(await p.status(c.id)).toBe('major_outage');
    const rollups = await p.rollups(c.id);
    expect(rollups[0]?.minutes).toEqual({ operational: 3, major_outage: 3 });
  });
});
