// Announce: the first step of a notify run. Given what the page now shows (its published Statuspage v2
// JSON), claim the fan-out of every timeline entry that is new, so each entry is fanned out by one run.
// Writes: one conditional put per entry (store.notifyEntries.claim), nothing else.
// - Stops after some claims: a repeat of the same run (same execution name) claims them again and
//   carries on; a later run takes over an unfinished claim once it is stale.
// Entries older than `freshMs` (backfilled or imported history) and entries published with
// `deliver_notifications: false` notify nobody.
import type { V2Incident, V2ScheduledMaintenance } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export interface PublishedPage {
  /** The page's id, public URL and overall status as published. */
  status: { id: string; url: string; indicator: string; description: string };
  incidents: V2Incident[];
  maintenances: V2ScheduledMaintenance[];
}

export interface AnnounceInput {
  tenantId: string;
  run: string;
  published: PublishedPage;
  /** Only entries created this recently notify (default 1 hour). */
  freshMs?: number;
  /** Another run's unfinished claim is taken over after this long (default 15 minutes). */
  staleMs?: number;
}

export const entryKeyOf = (kind: 'incident' | 'maintenance', updateId: string) => `${kind}_update#${updateId}`;

export async function announce(deps: ServiceDeps, input: AnnounceInput): Promise<{ entryKeys: string[] }> {
  const since = deps.now().getTime() - (input.freshMs ?? 3_600_000);
  const staleMs = input.staleMs ?? 15 * 60_000;
  const entryKeys: string[] = [];
  const candidates = [
    ...input.published.incidents.map((item) => ({ kind: 'incident' as const, item })),
    ...input.published.maintenances.map((item) => ({ kind: 'maintenance' as const, item })),
  ];
  for (const { kind, item } of candidates) {
    for (const update of item.incident_updates) {
      if (!update.deliver_notifications || Date.parse(update.created_at) < since) continue;
      const entryKey = entryKeyOf(kind, update.id);
      const componentIds = [
        ...new Set([...item.components.map((c) => c.id), ...(update.affected_components ?? []).map((c) => c.code)]),
      ];
      const claimed = await deps.store.notifyEntries.claim(
        {
          tenantId: input.tenantId,
          entryKey,
          kind,
          // The entry as the page shows it, cut to this update and the ones before it.
          payload: JSON.stringify({
            ...item,
            incident_updates: item.incident_updates.filter((u) => u.created_at <= update.created_at),
          }),
          pageStatus: JSON.stringify(input.published.status),
          componentIds,
          componentChange: false,
          run: input.run,
        },
        staleMs,
      );
      if (claimed) entryKeys.push(entryKey);
    }
  }
  if (entryKeys.length)
    deps.log('notify entries claimed', { tenantId: input.tenantId, run: input.run, entries: entryKeys.length });
  return { entryKeys };
}
