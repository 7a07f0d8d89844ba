import {
  byInstant,
  type Component,
  type ComponentStatus,
  componentStatusLabels,
  componentUptime,
  effectiveComponentStatuses,
  formatUptime,
  groupUptime,
  type Incident,
  type IncidentImpact,
  type IncidentStatus,
  impactLabels,
  isIncidentOpen,
  isMaintenanceActive,
  isMaintenanceUpcoming,
  type Maintenance,
  type MaintenanceStatus,
  maintenanceStatusAt,
  pageStatus,
  publicTimeline,
  readableBrandColor,
  type TenantSnapshot,
  timelineStatusLabels,
  type UptimeWindow,
  utcDay,
  worstComponentStatus,
} from '@upstate/core';
import { renderMarkdown } from './markdown.ts';
import { formatDateTime, formatDay, formatDuration, formatMonth, monthKey } from './time.ts';

// View models shared by every theme: themes only decide markup and style, never the data.

export type Level = 'ok' | 'minor' | 'major' | 'critical' | 'maint' | 'none';

const levelOfStatus: Record<ComponentStatus, Level> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maint',
};
const levelOfImpact: Record<IncidentImpact, Level> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

export interface SiteChrome {
  name: string;
  logoUrl: string | null;
  faviconUrl: string | null;
  homepageUrl: string | null;
  colorScheme: 'light' | 'dark' | 'system';
  footerLinks: { label: string; url: string }[];
  timezone: string;
  brandColor: string;
  /** `/brand.css` with a version that changes with its content, so a browser never keeps an old brand. */
  brandCssHref: string;
  theme: string;
  /** The subscribe page exists (the platform API takes subscriptions for this page). */
  subscribe: boolean;
}

/** Bumped whenever `brandCss` emits different CSS for the same colour. */
const brandCssVersion = 1;

export interface Bar {
  day: string;
  level: Level;
  /** Screen-reader and tooltip text: date, uptime, incidents that day. */
  text: string;
}

export interface ComponentView {
  id: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  statusLabel: string;
  level: Level;
  showUptime: boolean;
  windows: Record<UptimeWindow, string>;
  bars: Bar[];
}

export interface GroupView extends ComponentView {
  components: ComponentView[];
}

export interface UpdateView {
  id: string;
  statusLabel: string;
  html: string;
  at: string;
  atIso: string;
  affected: string[];
}

export interface IncidentSummary {
  id: string;
  name: string;
  impact: IncidentImpact;
  impactLabel: string;
  level: Level;
  statusLabel: string;
  resolved: boolean;
  startedAt: string;
  duration: string | null;
  components: string[];
  latest: UpdateView | null;
}

export interface MaintenanceSummary {
  id: string;
  name: string;
  statusLabel: string;
  active: boolean;
  window: string;
  components: string[];
  latest: UpdateView | null;
}

// URLs are validated on write; the renderer still refuses anything but https (and mailto in the footer).
const safeUrl = (url: string | null, mailto = false): string | null => {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || (mailto && parsed.protocol === 'mailto:') ? parsed.href : null;
  } catch {
    return null;
  }
};

export function chrome(snapshot: TenantSnapshot): SiteChrome {
  const scheme = snapshot.branding.colorScheme;
  return {
    name: snapshot.tenant.name,
    logoUrl: safeUrl(snapshot.branding.logoUrl),
    faviconUrl: safeUrl(snapshot.branding.faviconUrl),
    homepageUrl: safeUrl(snapshot.branding.homepageUrl),
    colorScheme: scheme === 'dark' || scheme === 'light' ? scheme : 'system',
    footerLinks: snapshot.branding.footerLinks.flatMap((l) => {
      const url = safeUrl(l.url, true);
      return url ? [{ label: l.label, url }] : [];
    }),
    timezone: snapshot.tenant.timezone,
    brandColor: readableBrandColor(snapshot.branding.brandColor),
    // brand.css depends only on the brand colour (and brandCssVersion), so they make its version.
    brandCssHref: `/brand.css?v=${brandCssVersion}-${snapshot.branding.brandColor.replace(/[^0-9a-z]/gi, '').toLowerCase()}`,
    theme: snapshot.branding.theme,
    subscribe: Boolean(snapshot.subscribeUrl),
  };
}

export interface SubscribeView {
  chrome: SiteChrome;
  /** The form's action: the platform API's subscribe endpoint for this page. */
  action: string;
  /** Components and groups a reader may follow, in page order. */
  choices: { id: string; label: string; group: boolean }[];
}

/** The `/subscribe/` page: an email form with optional components, posting to the platform API (no JavaScript). */
export function subscribeView(snapshot: TenantSnapshot): SubscribeView | null {
  if (!snapshot.subscribeUrl) return null;
  const choices: SubscribeView['choices'] = [];
  for (const g of [...snapshot.groups].sort((a, b) => a.position - b.position)) {
    choices.push({ id: g.id, label: g.name, group: true });
    for (const c of snapshot.components.filter((x) => x.groupId === g.id).sort((a, b) => a.position - b.position)) {
      choices.push({ id: c.id, label: c.name, group: false });
    }
  }
  for (const c of snapshot.components.filter((x) => !x.groupId).sort((a, b) => a.position - b.position)) {
    choices.push({ id: c.id, label: c.name, group: false });
  }
  return { chrome: chrome(snapshot), action: snapshot.subscribeUrl, choices };
}

function incidentsByDay(snapshot: TenantSnapshot): Map<string, Map<string, string[]>> {
  // componentId → day → incident names
  const map = new Map<string, Map<string, string[]>>();
  for (const incident of snapshot.incidents) {
    const start = Date.parse(incident.createdAt);
    const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : Date.parse(snapshot.generatedAt);
    for (let t = start; t <= end + 86_399_999; t += 86_400_000) {
      const day = utcDay(new Date(Math.min(t, end)));
      for (const id of incident.componentIds) {
        const byDay = map.get(id) ?? new Map<string, string[]>();
        const names = byDay.get(day) ?? [];
        if (!names.includes(incident.name)) names.push(incident.name);
        byDay.set(day, names);
        map.set(id, byDay);
      }
      if (t >= end) break;
    }
  }
  return map;
}

function barsFrom(
  days: ReturnType<typeof componentUptime>['days'],
  incidents: Map<string, string[]> | undefined,
): Bar[] {
  return days.map((d) => {
    const names = incidents?.get(d.day) ?? [];
    const level: Level =
      d.uptime === null
        ? d.worst === 'under_maintenance'
          ? 'maint'
          : 'none'
        : d.worst
          ? levelOfStatus[d.worst]
          : 'ok';
    const uptime = d.uptime === null ? 'no data' : `${formatUptime(d.uptime)} uptime`;
    const incidentText = names.length
      ? `${names.length} incident${names.length > 1 ? 's' : ''}: ${names.join('; ')}`
      : 'no incidents';
    return { day: d.day, level, text: `${formatDay(d.day)}: ${uptime}, ${incidentText}` };
  });
}

function windowsText(w: ReturnType<typeof componentUptime>['windows']): Record<UptimeWindow, string> {
  return {
    '24h': formatUptime(w['24h']),
    '7d': formatUptime(w['7d']),
    '30d': formatUptime(w['30d']),
    '90d': formatUptime(w['90d']),
  };
}

function updateView(
  snapshot: TenantSnapshot,
  u: {
    id: string;
    status: IncidentStatus | MaintenanceStatus;
    body: string;
    displayAt: string;
    componentChanges?: { componentId: string; newStatus: ComponentStatus }[];
  },
): UpdateView {
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  return {
    id: u.id,
    statusLabel: timelineStatusLabels[u.status],
    html: renderMarkdown(u.body),
    at: formatDateTime(u.displayAt, snapshot.tenant.timezone),
    atIso: u.displayAt,
    affected: (u.componentChanges ?? []).map(
      (c) => `${names.get(c.componentId) ?? 'Removed component'}: ${componentStatusLabels[c.newStatus]}`,
    ),
  };
}

export function incidentSummary(snapshot: TenantSnapshot, incident: Incident): IncidentSummary {
  const timeline = publicTimeline(incident);
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const latest = timeline[0];
  return {
    id: incident.id,
    name: incident.name,
    impact: incident.impact,
    impactLabel: impactLabels[incident.impact],
    level: levelOfImpact[incident.impact],
    statusLabel: timelineStatusLabels[incident.status],
    resolved: !isIncidentOpen(incident.status),
    startedAt: formatDateTime(incident.updates[0]?.displayAt ?? incident.createdAt, snapshot.tenant.timezone),
    duration: incident.resolvedAt ? formatDuration(incident.createdAt, incident.resolvedAt) : null,
    components: incident.componentIds.flatMap((id) => (names.has(id) ? [names.get(id) as string] : [])),
    latest: latest ? updateView(snapshot, latest) : null,
  };
}

export function maintenanceSummary(snapshot: TenantSnapshot, m: Maintenance): MaintenanceSummary {
  const now = new Date(snapshot.generatedAt);
  const status = maintenanceStatusAt(m, now);
  const names = new Map(snapshot.components.map((c) => [c.id, c.name]));
  const latest = [...m.updates].sort((a, b) => byInstant(b.displayAt, a.displayAt))[0];
  const tz = snapshot.tenant.timezone;
  return {
    id: m.id,
    name: m.name,
    statusLabel: timelineStatusLabels[status],
    active: status === 'in_progress' || status === 'verifying',
    window: `${formatDateTime(m.scheduledFor, tz)} – ${formatDateTime(m.scheduledUntil, tz)}`,
    components: m.componentIds.flatMap((id) => (names.has(id) ? [names.get(id) as string] : [])),
    latest: latest ? updateView(snapshot, latest) : null,
  };
}

export interface HomeView {
  chrome: SiteChrome;
  status: { indicator: string; description: string; level: Level };
  /** Groups and ungrouped components, in page order. */
  items: (({ kind: 'group' } & GroupView) | ({ kind: 'component' } & ComponentView))[];
  activeIncidents: IncidentSummary[];
  activeMaintenance: MaintenanceSummary[];
  upcomingMaintenance: MaintenanceSummary[];
  recentIncidents: IncidentSummary[];
  generatedAt: string;
  firstDay: string;
}

export function homeView(snapshot: TenantSnapshot): HomeView {
  const now = new Date(snapshot.generatedAt);
  const statuses = effectiveComponentStatuses(snapshot.components, snapshot.maintenances, now);
  const rollupsBy = new Map<string, TenantSnapshot['rollups']>();
  for (const r of snapshot.rollups) rollupsBy.set(r.componentId, [...(rollupsBy.get(r.componentId) ?? []), r]);
  const incidentDays = incidentsByDay(snapshot);

  const componentView = (c: Component): ComponentView => {
    const status = statuses.get(c.id) ?? c.status;
    const uptime = componentUptime(rollupsBy.get(c.id) ?? [], { now, startDate: c.startDate });
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      status,
      statusLabel: componentStatusLabels[status],
      level: levelOfStatus[status],
      showUptime: c.showUptime,
      windows: windowsText(uptime.windows),
      bars: barsFrom(uptime.days, incidentDays.get(c.id)),
    };
  };
  const visible = (c: Component) => !c.onlyShowIfDegraded || (statuses.get(c.id) ?? c.status) !== 'operational';
  const byPosition = <T extends { position: number; name: string }>(a: T, b: T) =>
    a.position - b.position || a.name.localeCompare(b.name);

  const items: HomeView['items'] = [];
  const entries: { position: number; name: string; build: () => HomeView['items'][number] | null }[] = [];
  for (const g of snapshot.groups) {
    entries.push({
      position: g.position,
      name: g.name,
      build: () => {
        const children = snapshot.components.filter((c) => c.groupId === g.id && visible(c)).sort(byPosition);
        if (!children.length) return null;
        const childViews = children.map(componentView);
        const status = worstComponentStatus(childViews.map((c) => c.status));
        const uptime = groupUptime(
          children.map((c) => ({ rollups: rollupsBy.get(c.id) ?? [], startDate: c.startDate })),
          { now },
        );
        const merged = new Map<string, string[]>();
        for (const c of children)
          for (const [day, names] of incidentDays.get(c.id) ?? [])
            merged.set(day, [...new Set([...(merged.get(day) ?? []), ...names])]);
        return {
          kind: 'group',
          id: g.id,
          name: g.name,
          description: g.description,
          status,
          statusLabel: componentStatusLabels[status],
          level: levelOfStatus[status],
          showUptime: children.some((c) => c.showUptime),
          windows: windowsText(uptime.windows),
          bars: barsFrom(uptime.days, merged),
          components: childViews,
        };
      },
    });
  }
  for (const c of snapshot.components.filter((c) => !c.groupId || !snapshot.groups.some((g) => g.id === c.groupId))) {
    if (!visible(c)) continue;
    entries.push({ position: c.position, name: c.name, build: () => ({ kind: 'component', ...componentView(c) }) });
  }
  for (const e of entries.sort(byPosition)) {
    const built = e.build();
    if (built) items.push(built);
  }

  const status = pageStatus({
    components: snapshot.components,
    incidents: snapshot.incidents,
    maintenances: snapshot.maintenances,
    now,
  });
  const withStatus = (m: Maintenance) => ({ ...m, status: maintenanceStatusAt(m, now) });
  return {
    chrome: chrome(snapshot),
    status: {
      ...status,
      level: status.indicator === 'maintenance' ? 'maint' : levelOfImpact[status.indicator as IncidentImpact],
    },
    items,
    activeIncidents: snapshot.incidents
      .filter((i) => isIncidentOpen(i.status))
      .map((i) => incidentSummary(snapshot, i)),
    activeMaintenance: snapshot.maintenances
      .filter((m) => isMaintenanceActive(withStatus(m)))
      .map((m) => maintenanceSummary(snapshot, m)),
    upcomingMaintenance: snapshot.maintenances
      .filter((m) => isMaintenanceUpcoming(withStatus(m), now))
      .sort((a, b) => byInstant(a.scheduledFor, b.scheduledFor))
      .map((m) => maintenanceSummary(snapshot, m)),
    recentIncidents: snapshot.incidents
      .filter((i) => !isIncidentOpen(i.status) && Date.parse(i.createdAt) > now.getTime() - 14 * 86_400_000)
      .map((i) => incidentSummary(snapshot, i)),
    generatedAt: formatDateTime(snapshot.generatedAt, snapshot.tenant.timezone),
    firstDay: formatDay(utcDay(new Date(now.getTime() - 89 * 86_400_000))),
  };
}

export interface IncidentPageView {
  chrome: SiteChrome;
  incident: IncidentSummary;
  timeline: UpdateView[];
}

export function incidentView(snapshot: TenantSnapshot, id: string): IncidentPageView | null {
  const incident = snapshot.incidents.find((i) => i.id === id);
  if (!incident) return null;
  return {
    chrome: chrome(snapshot),
    incident: incidentSummary(snapshot, incident),
    timeline: publicTimeline(incident).map((u) => updateView(snapshot, u)),
  };
}

export interface MaintenancePageView {
  chrome: SiteChrome;
  maintenance: MaintenanceSummary;
  timeline: UpdateView[];
}

export function maintenanceView(snapshot: TenantSnapshot, id: string): MaintenancePageView | null {
  const m = snapshot.maintenances.find((x) => x.id === id);
  if (!m) return null;
  return {
    chrome: chrome(snapshot),
    maintenance: maintenanceSummary(snapshot, m),
    timeline: [...m.updates].sort((a, b) => byInstant(b.displayAt, a.displayAt)).map((u) => updateView(snapshot, u)),
  };
}

/** Months shown per history page. */
export const monthsPerHistoryPage = 3;

export interface HistoryView {
  chrome: SiteChrome;
  months: { key: string; label: string; incidents: IncidentSummary[] }[];
  page: number;
  pages: number;
}

/** The archive by month (tenant time zone), newest first, `monthsPerHistoryPage` months a page. */
export function historyView(snapshot: TenantSnapshot, page: number): HistoryView | null {
  const tz = snapshot.tenant.timezone;
  const nowKey = monthKey(snapshot.generatedAt, tz);
  const oldest = snapshot.incidents.reduce((min, i) => (i.createdAt < min ? i.createdAt : min), snapshot.generatedAt);
  const keys: string[] = [];
  let [y, m] = nowKey.split('-').map(Number) as [number, number];
  const oldestKey = monthKey(oldest, tz);
  while (true) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    keys.push(key);
    if (key <= oldestKey || keys.length >= 120) break;
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  const pages = Math.max(1, Math.ceil(keys.length / monthsPerHistoryPage));
  if (page < 1 || page > pages) return null;
  const slice = keys.slice((page - 1) * monthsPerHistoryPage, page * monthsPerHistoryPage);
  return {
    chrome: chrome(snapshot),
    months: slice.map((key) => ({
      key,
      label: formatMonth(key),
      incidents: snapshot.incidents
        .filter((i) => monthKey(i.createdAt, tz) === key)
        .map((i) => incidentSummary(snapshot, i)),
    })),
    page,
    pages,
  };
}

export function historyPageCount(snapshot: TenantSnapshot): number {
  return historyView(snapshot, 1)?.pages ?? 1;
}

export interface UptimeTableView {
  chrome: SiteChrome;
  components: { name: string; windows: Record<UptimeWindow, string>; days: { label: string; text: string }[] }[];
}

/** The table alternative to the bars, and the published formula. */
export function uptimeView(snapshot: TenantSnapshot): UptimeTableView {
  const home = homeView(snapshot);
  const flat: ComponentView[] = home.items.flatMap((i) => (i.kind === 'group' ? i.components : [i]));
  return {
    chrome: home.chrome,
    components: flat
      .filter((c) => c.showUptime)
      .map((c) => ({
        name: c.name,
        windows: c.windows,
        days: [...c.bars]
          .reverse()
          .map((b) => ({ label: formatDay(b.day), text: b.text.split(': ').slice(1).join(': ') })),
      })),
  };
}
