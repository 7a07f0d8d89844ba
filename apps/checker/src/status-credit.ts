import { type ComponentStatus, effectiveComponentStatuses, type Log, utcDay } from '@upstate/core';
import type { Store } from '@upstate/store';
import { cadenceSeconds } from './cadence.ts';
import { mapPool } from './pool.ts';

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** A credit never covers more than this: a checker outage longer than a day is not filled in. */
export const defaultMaxCreditMs = dayMs;

const floorMinute = (t: number) => Math.floor(t / minuteMs) * minuteMs;
const ceilMinute = (t: number) => Math.ceil(t / minuteMs) * minuteMs;
const iso = (t: number) => new Date(t).toISOString();

/** Whole minutes of [from, to) per UTC day, oldest first (both ends on the minute grid). */
export function minutesByUtcDay(from: number, to: number): { day: string; minutes: number }[] {
  const parts: { day: string; minutes: number }[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, (Math.floor(start / dayMs) + 1) * dayMs);
    parts.push({ day: utcDay(new Date(start)), minutes: (end - start) / minuteMs });
    start = end;
  }
  return parts;
}

export interface TenantCredit {
  /** Whether this call won the tenant's span (false: another run did, or nothing was due). */
  claimed: boolean;
  /** Minutes added across the tenant's components. */
  minutes: number;
}

/**
 * Credits the time from the tenant's watermark to the end of the current minute to every component
 * that no unpaused monitor covers, in the status the page shows (`under_maintenance` during active
 * maintenance unless an outage outranks it), split at UTC midnight.
 * The watermark is claimed first (conditional on the value read), so of any overlapping runs one
 * credits a span; a crash after the claim loses that span's minutes rather than counting them twice.
 */
export async function creditTenantStatusTime(
  store: Store,
  tenantId: string,
  at: Date,
  options: { maxCreditMs: number; log: Log },
): Promise<TenantCredit> {
  const none = { claimed: false, minutes: 0 };
  const now = at.getTime();
  // Like a monitor run, a run stands for the minute it starts: the status it reads holds until the
  // next run. So a hand-over to or from a 60 s monitor neither overlaps nor leaves a gap.
  const to = floorMinute(now) + minuteMs;
  const previous = await store.rollups.statusCredit(tenantId);
  const previousUntil = previous?.creditedUntil ?? null;
  if (previousUntil !== null && Date.parse(previousUntil) >= to) return none;

  const [components, monitors, live] = await Promise.all([
    store.components.list(tenantId),
    store.monitors.list(tenantId),
    store.maintenances.listLive(tenantId),
  ]);
  // Per monitored component: since when a monitor has covered it, and until when its monitors will
  // have credited it once this run's due ones ran (a run credits its cadence from its minute).
  const monitoredSince = new Map<string, number>();
  const monitoredUntil = new Map<string, number>();
  // A hand-over not yet over (a 5-minute monitor paused a minute after its run) is carried on.
  for (const [id, until] of Object.entries(previous?.monitoredUntil ?? {})) {
    if (Date.parse(until) > to) monitoredUntil.set(id, Date.parse(until));
  }
  for (const m of monitors) {
    if (m.paused) continue;
    const next = Date.parse(m.nextRunAt);
    const through = next > now ? next : floorMinute(now) + cadenceSeconds(m) * 1000;
    monitoredUntil.set(m.componentId, Math.max(monitoredUntil.get(m.componentId) ?? 0, through));
    const since = ceilMinute(Date.parse(m.createdAt));
    monitoredSince.set(m.componentId, Math.min(monitoredSince.get(m.componentId) ?? since, since));
  }
  // Nothing to credit or hand over: no write. A component created later is credited from its
  // creation whatever the watermark, so a lagging one invents nothing.
  if (components.length === 0 && monitoredUntil.size === 0) return none;
  let from: number;
  if (previousUntil === null) {
    // First credit of a tenant: from its creation if that is recent, else from now (no backfill of
    // tenants that existed before status crediting did: their past statuses are unknown).
    const record = await store.tenants.get(tenantId);
    if (!record) return none;
    const created = ceilMinute(Date.parse(record.tenant.createdAt));
    from = created >= to - options.maxCreditMs ? Math.min(created, to) : to;
  } else {
    from = Math.max(Date.parse(previousUntil), to - options.maxCreditMs);
  }
  // The watermark moves even when nothing is credited: a component that loses its monitor later
  // must be credited from then on, not from an old watermark over time its monitor already counted.
  const claimed = await store.rollups.claimStatusCredit(tenantId, previousUntil, {
    creditedUntil: iso(to),
    monitoredUntil: Object.fromEntries([...monitoredUntil].map(([id, t]) => [id, iso(t)])),
  });
  if (!claimed) return none;

  // Credit what the page shows: maintenance, unless a real outage outranks it (issue 14).
  const shown = effectiveComponentStatuses(components, live, at);
  const credits: { componentId: string; day: string; status: ComponentStatus; minutes: number }[] = [];
  for (const c of components) {
    // Never before the component existed (or its uptime start date), so earlier days keep "no data".
    let start = Math.max(from, ceilMinute(Date.parse(c.createdAt)), Date.parse(`${c.startDate}T00:00:00Z`));
    const handedOver = previous?.monitoredUntil[c.id];
    // Monitored at the last claim: not before its monitors stop covering it, and never back over a
    // gap between runs (they covered an unknown part of it before they went).
    if (handedOver !== undefined) start = Math.max(start, Date.parse(handedOver), floorMinute(now));
    // Monitored now: only the part of the span before its first active monitor existed.
    const end = Math.min(to, monitoredSince.get(c.id) ?? to);
    const status: ComponentStatus = shown.get(c.id) ?? c.status;
    for (const part of minutesByUtcDay(start, end)) credits.push({ componentId: c.id, status, ...part });
  }
  const added = await mapPool(credits, 8, async (c) => {
    try {
      const fresh = await store.rollups.creditMinutesOnce(tenantId, c.componentId, c.day, c.status, c.minutes, iso(to));
      return fresh ? c.minutes : 0;
    } catch (error) {
      // The span is claimed: these minutes are lost, never counted twice.
      options.log('status minutes not credited', { tenantId, componentId: c.componentId, error: String(error) });
      return 0;
    }
  });
  return { claimed: true, minutes: added.reduce((a, b) => a + b, 0) };
}

/**
 * Walks the tenant directory a page at a time, crediting each tenant's status time, until the
 * directory is done or `outOfTime()`. Where a run stops (budget) the next run of this process
 * resumes, wrapping round, so every tenant is reached; a skipped tenant's next span is just longer.
 */
export function statusCreditor(deps: {
  store: Store;
  concurrency: number;
  maxCreditMs: number;
  log: Log;
  pageSize?: number;
}) {
  const pageSize = deps.pageSize ?? 200;
  // Process-local: a cold start begins at the first tenant, which only reorders the walk.
  let resumeAfter: string | null = null;

  return async function creditAll(at: Date, outOfTime: () => boolean): Promise<{ tenants: number; minutes: number }> {
    const origin = resumeAfter;
    let after = origin;
    // First leg: after `origin` to the end; second leg (when origin is set): the start up to origin.
    let secondLeg = false;
    let tenants = 0;
    let minutes = 0;
    for (;;) {
      if (outOfTime()) {
        resumeAfter = after;
        break;
      }
      const page = await deps.store.tenants.listIdsPage(after, pageSize);
      const ids = secondLeg && origin !== null ? page.ids.filter((id) => id <= origin) : page.ids;
      const results = await mapPool(ids, deps.concurrency, async (tenantId) => {
        if (outOfTime()) return null;
        try {
          return await creditTenantStatusTime(deps.store, tenantId, at, deps);
        } catch (error) {
          // Nothing claimed or a partial credit: the watermark tells the next run where to go on.
          deps.log('status credit failed', { tenantId, error: String(error) });
          return { claimed: false, minutes: 0 };
        }
      });
      for (const r of results) {
        if (r?.claimed) tenants++;
        minutes += r?.minutes ?? 0;
      }
      // Workers take tenants in order and the budget only runs out, so the skipped ones are a suffix.
      const skipped = results.indexOf(null);
      if (skipped >= 0) {
        resumeAfter = skipped === 0 ? after : (ids[skipped - 1] ?? after);
        break;
      }
      after = page.ids.at(-1) ?? after;
      if (page.more && ids.length === page.ids.length) continue;
      if (!secondLeg && origin !== null) {
        secondLeg = true;
        after = null;
        continue;
      }
      resumeAfter = null;
      break;
    }
    return { tenants, minutes };
  };
}
