import { lookup } from 'node:dns/promises';
import {
  cadenceSeconds,
  effectiveComponentStatuses,
  type HeartbeatMonitorConfig,
  isMaintenanceActive,
  type Log,
  type Monitor,
  maintenanceStatusAt,
  type PublishTrigger,
  utcDay,
} from '@upstate/core';
import type { ResolveHost, TargetPolicy } from '@upstate/egress/ssrf';
import { fetchTransport, nodeTransport, type Transport } from '@upstate/egress/transport';
import { type AutomaticStatus, setAutomaticStatuses } from '@upstate/services/components/set-automatic-status';
import type { ServiceDeps } from '@upstate/services/deps';
import { applyDueMaintenanceTransitions } from '@upstate/services/maintenance/apply-auto-transitions';
import { recordMonitorRun } from '@upstate/services/monitors/record-run';
import { mapPool } from '@upstate/services/pool';
import { rolloverTenant } from '@upstate/services/tenant/rollover';
import { creditMonitorRuns, type RecordedRun } from '@upstate/services/uptime/credit-runs';
import { defaultMaxCreditMs } from '@upstate/services/uptime/credit-status';
import type { Store } from '@upstate/store';
import { type CheckOutcome, runHttpCheck } from './http-check.ts';
import { fairPool } from './pool.ts';
import { statusCreditor } from './status-credit.ts';
import { foldResult, monitorsMayChange, monitorsStatus, type RunState, type Verdict } from './verdict.ts';

export type { Log } from '@upstate/core';

export interface CheckerDeps {
  store: Store;
  publishTrigger: PublishTrigger;
  /** Transport for HTTP checks. Default: node:http(s) pinned to the vetted address (preferred). */
  fetch?: typeof fetch;
  /** DNS for the SSRF guard. Default: the system resolver, every address. */
  resolveHost?: ResolveHost;
  /** Local mode only: allow loopback and private targets. Never on AWS. */
  allowPrivateTargets: boolean;
  now?: () => Date;
  /** Checks (and store writes) in flight at once. */
  concurrency?: number;
  log?: Log;
  /** Due monitors loaded per batch, and the most checked in one run. */
  batchSize?: number;
  maxPerRun?: number;
  /**
   * No new check starts after this many ms of a run (default: no limit); what is left stays due and
   * goes first next run. With checks' timeouts (≤ 30 s) it bounds a run below the Lambda timeout.
   */
  runBudgetMs?: number;
  /**
   * Status-time crediting (components without a monitor) stops reaching new tenants after this many
   * ms of a run. Default: a quarter of `runBudgetMs`, so checks keep most of the run.
   */
  creditBudgetMs?: number;
  /** The most time one status credit covers (default 24 h); a longer checker outage stays "no data". */
  maxCreditMs?: number;
  /** Tenants read per directory page by status crediting. */
  tenantPageSize?: number;
}

export interface RunSummary {
  checked: number;
  flips: number;
  published: number;
  /** Automatic maintenance starts and ends applied. */
  maintenanceTransitions: number;
}

export interface Checker {
  /**
   * One scheduled run: maintenance, status time of unmonitored components, due monitors, heartbeats,
   * automatic component status, publishes.
   */
  runDue(): Promise<RunSummary>;
  /** Publishes each tenant once per UTC day so the 90-day bars move; returns how many it published. */
  rollover(): Promise<number>;
}

interface Recorded {
  monitor: Monitor;
  outcome: CheckOutcome;
  state: RunState;
}

const minuteMs = 60_000;
/** A check is not started with less than this left of the run's budget; it stays due for the next run. */
export const minCheckMs = 1000;

const defaultResolveHost: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** When a monitor runs next: on the minute grid, so a once-a-minute scheduler never skips a 60 s monitor. */
export function nextRunAt(monitor: Monitor, now: Date): string {
  const floor = Math.floor(now.getTime() / minuteMs) * minuteMs;
  return new Date(floor + cadenceSeconds(monitor) * 1000).toISOString();
}

/** Heartbeat: down once the last ping (or the monitor's creation) is older than interval + grace. */
export function heartbeatOutcome(monitor: Monitor, config: HeartbeatMonitorConfig, now: Date): CheckOutcome {
  const last = monitor.lastHeartbeatAt ?? monitor.createdAt;
  const deadline = Date.parse(last) + (monitor.intervalSeconds + config.graceSeconds) * 1000;
  if (now.getTime() <= deadline) return { result: 'up', latencyMs: null, statusCode: null, error: null };
  return {
    result: 'down',
    latencyMs: null,
    statusCode: null,
    error: `no ping since ${last} (interval ${monitor.intervalSeconds} s + grace ${config.graceSeconds} s)`,
  };
}

/**
 * The uptime checker. Stateless between calls except a once-a-day memo in `rollover`.
 * @example const checker = createChecker({ store, publishTrigger, allowPrivateTargets: false }); await checker.runDue()
 */
export function createChecker(deps: CheckerDeps): Checker {
  const { store, publishTrigger } = deps;
  const now = deps.now ?? (() => new Date());
  const concurrency = deps.concurrency ?? 32;
  const batchSize = deps.batchSize ?? 500;
  const maxPerRun = deps.maxPerRun ?? 20_000;
  const log: Log =
    deps.log ?? ((message, detail) => console.error(JSON.stringify({ level: 'error', message, ...detail })));
  const transport: Transport = deps.fetch ? fetchTransport(deps.fetch) : nodeTransport;
  const policy: TargetPolicy = {
    resolveHost: deps.resolveHost ?? defaultResolveHost,
    allowPrivateTargets: deps.allowPrivateTargets,
  };
  let rolledOverDay: string | null = null;
  const creditStatusTime = statusCreditor({
    store,
    concurrency,
    maxCreditMs: deps.maxCreditMs ?? defaultMaxCreditMs,
    log,
    ...(deps.tenantPageSize ? { pageSize: deps.tenantPageSize } : {}),
  });
  const creditBudgetMs = deps.creditBudgetMs ?? (deps.runBudgetMs ?? Number.POSITIVE_INFINITY) / 4;

  // The checker writes only through use cases: its bookkeeping (run state, check log, uptime
  // minutes, status credit) and what it changes on the page (automatic status, maintenance,
  // rollover), each of which bumps and triggers the publish itself.
  const services: ServiceDeps = { store, publishTrigger, now, log };

  async function check(monitor: Monitor, at: Date, timeoutMs: number): Promise<CheckOutcome> {
    if (monitor.config.kind === 'heartbeat') return heartbeatOutcome(monitor, monitor.config, at);
    return runHttpCheck(
      { ...monitor.config, timeoutMs: Math.floor(Math.min(monitor.config.timeoutMs, timeoutMs)) },
      { transport, policy },
    );
  }

  /**
   * Checks one monitor and records the run; null when another run or an edit got there first.
   * `timeoutMs` is what is left of the run's budget: no check outlives the run that started it.
   */
  async function runOne(monitor: Monitor, at: Date, timeoutMs: number): Promise<Recorded | null> {
    const outcome = await check(monitor, at, timeoutMs);
    if (outcome.refusal) {
      log('monitor target refused', { tenantId: monitor.tenantId, monitorId: monitor.id, reason: outcome.refusal });
    }
    // A missed heartbeat is itself the confirmation (grace is its tolerance), and a ping recovers it.
    const thresholds =
      monitor.config.kind === 'heartbeat'
        ? { failureThreshold: 1, recoveryThreshold: 1 }
        : { failureThreshold: monitor.failureThreshold, recoveryThreshold: monitor.recoveryThreshold };
    const state = foldResult(monitor, outcome.result, thresholds);
    const recorded = await recordMonitorRun(
      services,
      monitor,
      { ...state, nextRunAt: nextRunAt(monitor, at) },
      {
        at: at.toISOString(),
        result: outcome.result,
        latencyMs: outcome.latencyMs,
        statusCode: outcome.statusCode,
        error: outcome.error,
      },
    );
    return recorded ? { monitor, outcome, state } : null;
  }

  /** Applies automatic component status and adds rollup minutes for one tenant's recorded runs. */
  async function settleTenant(tenantId: string, runs: Recorded[], at: Date): Promise<number> {
    const [components, monitors, live] = await Promise.all([
      store.components.list(tenantId),
      store.monitors.list(tenantId),
      store.maintenances.listLive(tenantId),
    ]);
    const inMaintenance = new Set<string>();
    for (const m of live) {
      if (isMaintenanceActive({ ...m, status: maintenanceStatusAt(m, at) })) {
        for (const id of m.componentIds) inMaintenance.add(id);
      }
    }
    // Incident items are large: read them only when an incident-set status is about to be judged.
    let openIncidentComponentIds: Set<string> | undefined;
    const openIncidents = async () =>
      (openIncidentComponentIds ??= new Set(
        (await store.incidents.listUnresolved(tenantId)).flatMap((i) => i.componentIds),
      ));
    const fresh = new Map(runs.map((r) => [r.monitor.id, r.state]));
    const verdictsOf = new Map<string, Verdict[]>();
    const activeMonitors = new Map<string, number>();
    for (const m of monitors) {
      if (m.paused) continue;
      activeMonitors.set(m.componentId, (activeMonitors.get(m.componentId) ?? 0) + 1);
      const verdict = fresh.get(m.id)?.verdict ?? m.verdict;
      if (verdict) verdictsOf.set(m.componentId, [...(verdictsOf.get(m.componentId) ?? []), verdict]);
    }

    const statusOf = new Map(components.map((c) => [c.id, c.status]));
    const decided: AutomaticStatus[] = [];
    for (const componentId of new Set(runs.map((r) => r.monitor.componentId))) {
      const component = components.find((c) => c.id === componentId);
      if (!component) continue;
      const target = monitorsStatus(verdictsOf.get(componentId) ?? []);
      if (!target || target === component.status) continue;
      const ctx = {
        openIncidentComponentIds: component.statusSource === 'incident' ? await openIncidents() : new Set<string>(),
        inMaintenance: inMaintenance.has(componentId),
      };
      if (!monitorsMayChange(component, target, ctx)) continue;
      decided.push({ componentId, status: target, expectedVersion: component.version });
    }
    // Conditional on the version read: a person's concurrent change wins, the next run re-evaluates.
    const flipped = await setAutomaticStatuses(services, tenantId, decided);
    for (const d of decided) if (flipped.includes(d.componentId)) statusOf.set(d.componentId, d.status);
    const flips = flipped.length;

    // Credit what the page shows: maintenance, unless a real outage outranks it (issue 14).
    const shown = effectiveComponentStatuses(
      components.flatMap((c) => {
        const status = statusOf.get(c.id);
        return status ? [{ id: c.id, status }] : [];
      }),
      live,
      at,
    );
    const credits: RecordedRun[] = runs.flatMap((r) => {
      const status = shown.get(r.monitor.componentId);
      return status
        ? [{ monitor: r.monitor, status, componentMonitors: activeMonitors.get(r.monitor.componentId) ?? 1 }]
        : [];
    });
    await creditMonitorRuns(services, tenantId, at, credits);
    return flips;
  }

  async function applyMaintenanceTransitions(at: Date, published: Set<string>): Promise<number> {
    const due = await store.maintenances.listDueTransitions(at);
    const { applied, tenants } = await applyDueMaintenanceTransitions(services, due);
    for (const t of tenants) published.add(t);
    return applied;
  }

  return {
    async runDue() {
      const at = now();
      const deadline = performance.now() + (deps.runBudgetMs ?? Number.POSITIVE_INFINITY);
      const outOfTime = () => performance.now() >= deadline;
      const publishedTenants = new Set<string>();
      const maintenanceTransitions = await applyMaintenanceTransitions(at, publishedTenants);
      // Before the checks, with its own share of the budget, so a heavy check load cannot starve it.
      const creditDeadline = performance.now() + creditBudgetMs;
      await creditStatusTime(at, () => outOfTime() || performance.now() >= creditDeadline).catch((error: unknown) =>
        log('status credit failed', { error: String(error) }),
      );

      let checked = 0;
      let flips = 0;
      const seen = new Set<string>();
      while (seen.size < maxPerRun && !outOfTime()) {
        const page = await store.monitors.listDue(at, batchSize);
        // The due index is eventually consistent on AWS: a monitor just recorded may show up again.
        const due = page.filter((m) => !seen.has(`${m.tenantId}/${m.id}`)).slice(0, maxPerRun - seen.size);
        if (due.length === 0) break;
        for (const m of due) seen.add(`${m.tenantId}/${m.id}`);
        // Slots are shared fairly between tenants: one tenant's hanging targets hold at most its
        // share while others wait, and each check's timeout ends inside the run's budget.
        const recorded = (
          await fairPool(
            due,
            (m) => m.tenantId,
            concurrency,
            async (m) => {
              const left = deadline - performance.now();
              if (left < minCheckMs) return null;
              try {
                return await runOne(m, at, left);
              } catch (error) {
                log('monitor run failed', { tenantId: m.tenantId, monitorId: m.id, error: String(error) });
                return null;
              }
            },
          )
        ).filter((r): r is Recorded => r !== null);
        checked += recorded.length;
        const byTenant = Map.groupBy(recorded, (r) => r.monitor.tenantId);
        const tenantFlips = await mapPool([...byTenant], concurrency, async ([tenantId, runs]) => {
          try {
            const n = await settleTenant(tenantId, runs, at);
            if (n > 0) publishedTenants.add(tenantId);
            return n;
          } catch (error) {
            log('tenant settle failed', { tenantId, error: String(error) });
            return 0;
          }
        });
        flips += tenantFlips.reduce((a, b) => a + b, 0);
        if (page.length < batchSize) break;
      }

      return { checked, flips, published: publishedTenants.size, maintenanceTransitions };
    },

    async rollover() {
      const day = utcDay(now());
      // Memo only saves the directory read; claimRollover is what makes it once per tenant per day.
      if (rolledOverDay === day) return 0;
      const tenantIds = await store.tenants.listIds();
      let published = 0;
      let failed = false;
      await mapPool(tenantIds, concurrency, async (tenantId) => {
        try {
          if (await rolloverTenant(services, tenantId, day)) published++;
        } catch (error) {
          failed = true;
          log('rollover publish failed', { tenantId, day, error: String(error) });
        }
      });
      if (!failed) rolledOverDay = day;
      return published;
    },
  };
}
