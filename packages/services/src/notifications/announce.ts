// Announce: the first step of a notify run. Given what the page now shows (its published Statuspage v2
// JSON), claim the fan-out of every timeline entry that is new, so each entry is fanned out by one run.
// Writes: one conditional put per entry (store.notifyEntries.claim), nothing else.
// - Stops after some claims: a repeat of the same run (same execution name) claims them again and
//   carries on; a later run takes over an unfinished claim once it is stale.
// Entries older than `freshMs` (backfilled or imported history) and entries published with
// `deliver_notifications: false` notify nobody. A scheduled maintenance starting within the reminder
// lead time gets one reminder entry (keyed by its start, so a rescheduled one is reminded again).
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
  /** Maintenance starting within this long gets one reminder (default 60 minutes). */
  reminderMs?: number;
}

/** Default lead time of the maintenance reminder. */
export const defaultReminderMs = 60 * 60_000;

export const entryKeyOf = (kind: 'incident' | 'maintenance', updateId: string) => `${kind}_update#${updateId}`;
/** One reminder per maintenance and start time: a rescheduled maintenance is reminded again. */
export const reminderKeyOf = (maintenanceId: string, scheduledFor: string) =>
  `maintenance_reminder#${maintenanceId}#${scheduledFor}`;
export const isReminder = (entryKey: string) => entryKey.startsWith('maintenance_reminder#');

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
  // Reminders: scheduled maintenance the page shows, starting within the lead time. One created inside
  // the lead time needs none: its scheduling notice just went out.
  const now = deps.now().getTime();
  const lead = input.reminderMs ?? defaultReminderMs;
  for (const item of input.published.maintenances) {
    const start = Date.parse(item.scheduled_for);
    if (item.status !== 'scheduled' || start <= now || start - now > lead) continue;
    if (Date.parse(item.created_at) > start - lead) continue;
    const entryKey = reminderKeyOf(item.id, item.scheduled_for);
    const claimed = await deps.store.notifyEntries.claim(
      {
        tenantId: input.tenantId,
        entryKey,
        kind: 'maintenance',
        payload: JSON.stringify(item),
        pageStatus: JSON.stringify(input.published.status),
        componentIds: item.components.map((c) => c.id),
        componentChange: false,
        run: input.run,
      },
      staleMs,
    );
    if (claimed) entryKeys.push(entryKey);
  }
  if (entryKeys.length)
    deps.log('notify entries claimed', { tenantId: input.tenantId, run: input.run, entries: entryKeys.length });
  return { entryKeys };
}
