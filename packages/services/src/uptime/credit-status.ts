import { type ComponentStatus, cadenceSeconds, effectiveComponentStatuses, utcDay } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { mapPool } from '../pool.ts';

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

export interface StatusCreditResult {
  /** Whether this call won the tenant's span (false: another run did, or nothing was due). */
  claimed: boolean;
  /** Minutes added across the tenant's components. */
  minutes: number;
}

/**
 * Credits the time from the tenant's watermark to the end of the current minute to every component
 * that no unpaused monitor covers, in the status the page shows (`under_maintenance` during active
 * maintenance unless an outage outranks it), split at UTC midnight (the checker, every run).
 *
 * Writes: the watermark claim (conditional on the value read), then one rollup credit per
 * component-day, each conditional on that component-day not being credited through this span's end.
 * - A stop before the claim: nothing written; the next run credits the span (it starts at the old
 *   watermark), so nothing is lost.
 * - A stop after the claim, or after some credits: the span is claimed, so no later run credits it
 *   again; the uncredited minutes are lost (that day shows slightly less data), never counted twice.
 * - A credit repeated for the same span (a retried write that had landed) is refused by its own
 *   condition, so even a replay counts once.
 * Of any overlapping runs exactly one wins the claim. Nothing here changes what the page shows until
 * its next publish (the rollover or a status change), so no content-version bump.
 */
export async function creditStatusTime(
  deps: Pick<ServiceDeps, 'store' | 'log'>,
  tenantId: string,
  at: Date,
  options: { maxCreditMs: number },
): Promise<StatusCreditResult> {
  const { store } = deps;
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
      deps.log('status minutes not credited', { tenantId, componentId: c.componentId, error: String(error) });
      return 0;
    }
  });
  return { claimed: true, minutes: added.reduce((a, b) => a + b, 0) };
}
