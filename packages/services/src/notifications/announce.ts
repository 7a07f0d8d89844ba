// Announce: the first step of a notify run. Given what the page now shows (its published Statuspage v2
// JSON), claim the fan-out of every timeline entry that is new, so each entry is fanned out by one run.
// Writes: one conditional put per entry (store.notifyEntries.claim), nothing else.
// - Stops after some claims: a repeat of the same run (same execution name) claims them again and
//   carries on; a later run takes over an unfinished claim once it is stale.
// Entries older than `freshMs` (backfilled or imported history) and entries published with
// `deliver_notifications: false` notify nobody. A scheduled maintenance starting within the reminder
// lead time gets one reminder entry (keyed by its start, so a rescheduled one is reminded again).
// A component's status change outside an incident (a person, a key, a monitor) is one entry keyed by
// the change's id, claimed once the page shows the new status and the status has held for the quiet
// window (`statusChangeDue`; changes within it were folded into one by `foldStatusChange`).
import {
  type Component,
  statusChangeDue,
  type V2Component,
  type V2Incident,
  type V2ScheduledMaintenance,
} from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

export interface PublishedPage {
  /** The page's id, public URL and overall status as published. */
  status: { id: string; url: string; indicator: string; description: string };
  incidents: V2Incident[];
  maintenances: V2ScheduledMaintenance[];
  /** The components as the page shows them (`summary.json`). */
  components?: V2Component[];
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
  /** The tenant's components as stored, with their last status change outside an incident. */
  components?: readonly Component[];
}

/** Default lead time of the maintenance reminder. */
export const defaultReminderMs = 60 * 60_000;

export const entryKeyOf = (kind: 'incident' | 'maintenance', updateId: string) => `${kind}_update#${updateId}`;
/** One reminder per maintenance and start time: a rescheduled maintenance is reminded again. */
export const reminderKeyOf = (maintenanceId: string, scheduledFor: string) =>
  `maintenance_reminder#${maintenanceId}#${scheduledFor}`;
export const isReminder = (entryKey: string) => entryKey.startsWith('maintenance_reminder#');
export const componentEntryKeyOf = (changeId: string) => `component_update#${changeId}`;

/** The Statuspage `component_update` object of a webhook, and the component as the page shows it. */
export interface ComponentUpdatePayload {
  component: V2Component;
  component_update: {
    id: string;
    component_id: string;
    old_status: string;
    new_status: string;
    created_at: string;
    component_type: 'Component';
  };
}

/**
 * The component changes due for announcing: outside an incident, still the component's status, shown
 * by the page, held for the quiet window, recent, and not published with notifications off.
 */
export function dueComponentChanges(
  stored: readonly Component[],
  shown: readonly V2Component[],
  now: Date,
  since: number,
): ComponentUpdatePayload[] {
  const onPage = new Map(shown.map((c) => [c.id, c]));
  return stored.flatMap((c) => {
    const change = c.statusChange;
    const page = onPage.get(c.id);
    if (!change || !page || !change.notify || change.oldStatus === change.newStatus) return [];
    // An incident or maintenance that took the status over since is announced as its own entry.
    if ((c.statusSource !== 'manual' && c.statusSource !== 'monitor') || c.status !== change.newStatus) return [];
    if (page.status !== change.newStatus || !statusChangeDue(change, now) || Date.parse(change.at) < since) return [];
    return [
      {
        component: page,
        component_update: {
          id: change.id,
          component_id: c.id,
          old_status: change.oldStatus,
          new_status: change.newStatus,
          created_at: change.at,
          component_type: 'Component' as const,
        },
      },
    ];
  });
}

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
  for (const payload of dueComponentChanges(
    input.components ?? [],
    input.published.components ?? [],
    deps.now(),
    since,
  )) {
    const entryKey = componentEntryKeyOf(payload.component_update.id);
    const claimed = await deps.store.notifyEntries.claim(
      {
        tenantId: input.tenantId,
        entryKey,
        kind: 'component',
        payload: JSON.stringify(payload),
        pageStatus: JSON.stringify(input.published.status),
        componentIds: [payload.component_update.component_id],
        componentChange: true,
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
