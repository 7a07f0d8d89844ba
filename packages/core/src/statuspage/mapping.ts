import { byInstant } from '../ids.ts';
import {
  effectiveComponentStatuses,
  isIncidentOpen,
  isMaintenanceActive,
  isMaintenanceUpcoming,
  maintenanceStatusAt,
  publicTimeline,
} from '../lifecycle.ts';
import type { Component, ComponentGroup, ComponentStatus, Incident, Maintenance, TenantSnapshot } from '../schemas.ts';
import { pageStatus, worstComponentStatus } from '../status.ts';
import type {
  V2Component,
  V2EndpointPath,
  V2Incident,
  V2IncidentUpdate,
  V2Page,
  V2ScheduledMaintenance,
} from './shapes.ts';

/** Statuspage caps the list endpoints at the 50 most recent. */
const listLimit = 50;

interface Context {
  snapshot: TenantSnapshot;
  now: Date;
  page: V2Page;
  statuses: Map<string, ComponentStatus>;
  componentsById: Map<string, V2Component>;
}

function context(snapshot: TenantSnapshot): Context {
  const now = new Date(snapshot.generatedAt);
  const statuses = effectiveComponentStatuses(snapshot.components, snapshot.maintenances, now);
  const latest = [
    snapshot.tenant.createdAt,
    ...snapshot.components.map((c) => c.updatedAt),
    ...snapshot.incidents.map((i) => i.updatedAt),
    ...snapshot.maintenances.map((m) => m.updatedAt),
  ].sort(byInstant);
  const page: V2Page = {
    id: snapshot.tenant.id,
    name: snapshot.tenant.name,
    url: snapshot.baseUrl,
    time_zone: snapshot.tenant.timezone,
    updated_at: latest[latest.length - 1] ?? snapshot.generatedAt,
  };
  const ctx: Context = { snapshot, now, page, statuses, componentsById: new Map() };
  for (const c of v2Components(ctx)) ctx.componentsById.set(c.id, c);
  return ctx;
}

function mapComponent(ctx: Context, c: Component, position: number): V2Component {
  return {
    id: c.id,
    name: c.name,
    status: ctx.statuses.get(c.id) ?? c.status,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    position,
    description: c.description,
    showcase: c.showUptime,
    start_date: c.startDate,
    group_id: c.groupId,
    page_id: ctx.snapshot.tenant.id,
    group: false,
    only_show_if_degraded: c.onlyShowIfDegraded,
  };
}

/**
 * Groups and components as Statuspage lists them: `position` counts from 1 among the top-level
 * entries (ungrouped components and groups together) and again from 1 inside each group, so a
 * group's children never collide with the top level. Sorted by position, top level first.
 */
function v2Components(ctx: Context): V2Component[] {
  const { snapshot } = ctx;
  const byPosition = <T extends { position: number; name: string }>(a: T, b: T) =>
    a.position - b.position || a.name.localeCompare(b.name);
  const groupIds = new Set(snapshot.groups.map((g) => g.id));
  type TopLevel = { component: Component; group?: undefined } | { group: ComponentGroup; component?: undefined };
  const topLevel: TopLevel[] = [
    ...snapshot.components.filter((c) => !c.groupId || !groupIds.has(c.groupId)).map((component) => ({ component })),
    ...snapshot.groups.map((group) => ({ group })),
  ];
  topLevel.sort((a, b) => byPosition(a.component ?? a.group, b.component ?? b.group));
  const out: { entry: V2Component; level: number }[] = [];
  topLevel.forEach(({ component, group: g }, index) => {
    const position = index + 1;
    if (component) {
      out.push({ entry: mapComponent(ctx, { ...component, groupId: null }, position), level: 0 });
      return;
    }
    if (!g) return;
    const children = snapshot.components.filter((x) => x.groupId === g.id).sort(byPosition);
    out.push({
      level: 0,
      entry: {
        id: g.id,
        name: g.name,
        status: worstComponentStatus(children.map((x) => ctx.statuses.get(x.id) ?? x.status)),
        created_at: g.createdAt,
        updated_at: g.updatedAt,
        position,
        description: g.description,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: snapshot.tenant.id,
        group: true,
        only_show_if_degraded: false,
        components: children.map((x) => x.id),
      },
    });
    children.forEach((child, i) => {
      out.push({ entry: mapComponent(ctx, child, i + 1), level: 1 });
    });
  });
  // A stable sort keeps page order among equal positions.
  return out.sort((a, b) => a.entry.position - b.entry.position || a.level - b.level).map((x) => x.entry);
}

function incidentUrl(ctx: Context, kind: 'incidents' | 'maintenance', id: string): string {
  return `${ctx.snapshot.baseUrl}/${kind}/${id}/`;
}

function mapIncident(ctx: Context, incident: Incident): V2Incident {
  const names = new Map(ctx.snapshot.components.map((c) => [c.id, c.name]));
  const updates: V2IncidentUpdate[] = publicTimeline(incident).map((u) => ({
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: incident.id,
    created_at: u.createdAt,
    updated_at: u.createdAt,
    display_at: u.displayAt,
    affected_components: u.componentChanges.length
      ? u.componentChanges.map((change) => ({
          code: change.componentId,
          name: names.get(change.componentId) ?? 'Removed component',
          old_status: change.oldStatus,
          new_status: change.newStatus,
        }))
      : null,
    deliver_notifications: u.notify !== false,
    custom_tweet: null,
    tweet_id: null,
  }));
  const firstMonitoring = incident.updates.find((u) => u.kind === 'update' && u.status === 'monitoring');
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
    monitoring_at: firstMonitoring?.createdAt ?? null,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: incidentUrl(ctx, 'incidents', incident.id),
    started_at: incident.updates[0]?.displayAt ?? incident.createdAt,
    page_id: ctx.snapshot.tenant.id,
    incident_updates: updates,
    components: incident.componentIds.flatMap((id) => {
      const c = ctx.componentsById.get(id);
      return c ? [c] : [];
    }),
  };
}

function mapMaintenance(ctx: Context, maintenance: Maintenance): V2ScheduledMaintenance {
  const status = maintenanceStatusAt(maintenance, ctx.now);
  const updates: V2IncidentUpdate[] = [...maintenance.updates]
    .sort((a, b) => byInstant(b.displayAt, a.displayAt))
    .map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: maintenance.id,
      created_at: u.createdAt,
      updated_at: u.createdAt,
      display_at: u.displayAt,
      affected_components: null,
      deliver_notifications: u.notify !== false,
      custom_tweet: null,
      tweet_id: null,
    }));
  return {
    id: maintenance.id,
    name: maintenance.name,
    status,
    created_at: maintenance.createdAt,
    updated_at: maintenance.updatedAt,
    // Statuspage's verifying is its monitoring for maintenance: monitoring_at is when it began.
    monitoring_at: maintenance.updates.find((u) => u.status === 'verifying')?.createdAt ?? null,
    resolved_at: status === 'completed' ? (maintenance.updates.at(-1)?.displayAt ?? maintenance.scheduledUntil) : null,
    impact: maintenance.impact,
    shortlink: incidentUrl(ctx, 'maintenance', maintenance.id),
    // Statuspage's started_at of a maintenance is when it was created (posted), not its window.
    started_at: maintenance.createdAt,
    page_id: ctx.snapshot.tenant.id,
    incident_updates: updates,
    components: maintenance.componentIds.flatMap((id) => {
      const c = ctx.componentsById.get(id);
      return c ? [c] : [];
    }),
    scheduled_for: maintenance.scheduledFor,
    scheduled_until: maintenance.scheduledUntil,
  };
}

const newestFirst = <T extends { createdAt: string }>(a: T, b: T) => byInstant(b.createdAt, a.createdAt);

function withStatusAt(ctx: Context, m: Maintenance): Maintenance {
  return { ...m, status: maintenanceStatusAt(m, ctx.now) };
}

function unresolved(ctx: Context): V2Incident[] {
  return ctx.snapshot.incidents
    .filter((i) => isIncidentOpen(i.status))
    .sort(newestFirst)
    .map((i) => mapIncident(ctx, i));
}

function upcoming(ctx: Context): V2ScheduledMaintenance[] {
  return ctx.snapshot.maintenances
    .filter((m) => isMaintenanceUpcoming(withStatusAt(ctx, m), ctx.now))
    .sort((a, b) => byInstant(a.scheduledFor, b.scheduledFor))
    .map((m) => mapMaintenance(ctx, m));
}

function active(ctx: Context): V2ScheduledMaintenance[] {
  return ctx.snapshot.maintenances
    .filter((m) => isMaintenanceActive(withStatusAt(ctx, m)))
    .sort((a, b) => byInstant(a.scheduledFor, b.scheduledFor))
    .map((m) => mapMaintenance(ctx, m));
}

function status(ctx: Context) {
  const { indicator, description } = pageStatus({
    components: ctx.snapshot.components,
    incidents: ctx.snapshot.incidents,
    maintenances: ctx.snapshot.maintenances,
    now: ctx.now,
  });
  return { indicator, description };
}

export function summaryJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return {
    page: ctx.page,
    components: [...ctx.componentsById.values()],
    incidents: unresolved(ctx),
    scheduled_maintenances: [...active(ctx), ...upcoming(ctx)],
    status: status(ctx),
  };
}

export function statusJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return { page: ctx.page, status: status(ctx) };
}

export function componentsJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return { page: ctx.page, components: [...ctx.componentsById.values()] };
}

export function incidentsJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return {
    page: ctx.page,
    incidents: [...snapshot.incidents]
      .sort(newestFirst)
      .slice(0, listLimit)
      .map((i) => mapIncident(ctx, i)),
  };
}

export function unresolvedIncidentsJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return { page: ctx.page, incidents: unresolved(ctx) };
}

export function scheduledMaintenancesJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return {
    page: ctx.page,
    scheduled_maintenances: [...snapshot.maintenances]
      .sort((a, b) => byInstant(b.scheduledFor, a.scheduledFor))
      .slice(0, listLimit)
      .map((m) => mapMaintenance(ctx, m)),
  };
}

export function upcomingMaintenancesJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return { page: ctx.page, scheduled_maintenances: upcoming(ctx) };
}

export function activeMaintenancesJson(snapshot: TenantSnapshot) {
  const ctx = context(snapshot);
  return { page: ctx.page, scheduled_maintenances: active(ctx) };
}

/** `/api/v2/incidents/{id}.json` (`{page, incident}`) for every incident and maintenance, as Statuspage serves both. */
export function incidentFiles(
  snapshot: TenantSnapshot,
): Record<string, { page: V2Page; incident: V2Incident | V2ScheduledMaintenance }> {
  const ctx = context(snapshot);
  const out: Record<string, { page: V2Page; incident: V2Incident | V2ScheduledMaintenance }> = {};
  for (const i of snapshot.incidents) out[incidentPath(i.id)] = { page: ctx.page, incident: mapIncident(ctx, i) };
  for (const m of snapshot.maintenances) out[incidentPath(m.id)] = { page: ctx.page, incident: mapMaintenance(ctx, m) };
  // `incidents/unresolved.json` is the list endpoint; an id that spelled it must not replace it.
  delete out[incidentPath('unresolved')];
  return out;
}

export const incidentPath = (id: string) => `api/v2/incidents/${encodeURIComponent(id)}.json`;

/** All eight Statuspage v2 endpoints, keyed by their path under the site root. */
export function statuspageV2Files(snapshot: TenantSnapshot): Record<V2EndpointPath, unknown> {
  return {
    'api/v2/summary.json': summaryJson(snapshot),
    'api/v2/status.json': statusJson(snapshot),
    'api/v2/components.json': componentsJson(snapshot),
    'api/v2/incidents.json': incidentsJson(snapshot),
    'api/v2/incidents/unresolved.json': unresolvedIncidentsJson(snapshot),
    'api/v2/scheduled-maintenances.json': scheduledMaintenancesJson(snapshot),
    'api/v2/scheduled-maintenances/upcoming.json': upcomingMaintenancesJson(snapshot),
    'api/v2/scheduled-maintenances/active.json': activeMaintenancesJson(snapshot),
  };
}
