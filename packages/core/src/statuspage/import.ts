import { z } from 'zod';
import {
  Author,
  type Component,
  type ComponentChange,
  type ComponentGroup,
  ComponentStatus,
  type ImportedFrom,
  type Incident,
  IncidentImpact,
  IncidentStatus,
  type IncidentUpdate,
  IsoDateTime,
  type Maintenance,
  MaintenanceStatus,
  type MaintenanceUpdate,
} from '../schemas.ts';

// Reading a Statuspage page (its public v2 JSON and incident history) and mapping it onto Upstate
// records. Pure: the fetching is the `StatuspageSource` port, the writing a use case. Source JSON
// is untrusted input, parsed leniently (Statuspage adds fields over time) but with every field we
// keep validated and bounded, so a hostile page cannot store what the API itself would refuse.

const sourceId = z.string().min(1).max(64);
// Longer text than ours allows is cut, not refused: one long title must not stop a whole migration.
const text = (max: number) => z.string().transform((v) => v.slice(0, max));
const name = z
  .string()
  .transform((v) => v.trim().slice(0, 120))
  .pipe(z.string().min(1));
// Statuspage writes offsets like -06:00 and milliseconds; normalised to UTC ISO on the way in.
const when = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be a timestamp' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

export const SourcePage = z.object({ id: sourceId, name: text(200), url: text(2048), time_zone: text(64).nullish() });
export type SourcePage = z.infer<typeof SourcePage>;

export const SourceComponent = z.object({
  id: sourceId,
  name,
  status: ComponentStatus,
  created_at: when,
  position: z.number().int(),
  description: text(1000).nullish(),
  showcase: z.boolean().nullish(),
  start_date: z.iso.date().nullish(),
  group_id: sourceId.nullish(),
  group: z.boolean().nullish(),
  only_show_if_degraded: z.boolean().nullish(),
});
export type SourceComponent = z.infer<typeof SourceComponent>;

const SourceAffected = z.object({
  code: sourceId,
  old_status: ComponentStatus.nullish(),
  new_status: ComponentStatus.nullish(),
});

export const SourceUpdate = z.object({
  id: sourceId,
  status: z.union([IncidentStatus, MaintenanceStatus]),
  body: text(20_000),
  created_at: when,
  display_at: when.nullish(),
  affected_components: z.array(SourceAffected).max(200).nullish(),
});
export type SourceUpdate = z.infer<typeof SourceUpdate>;

const incidentFields = {
  id: sourceId,
  name,
  created_at: when,
  updated_at: when.nullish(),
  resolved_at: when.nullish(),
  incident_updates: z.array(SourceUpdate).max(500),
  components: z
    .array(z.object({ id: sourceId }))
    .max(200)
    .nullish(),
};

export const SourceIncident = z.object({
  ...incidentFields,
  status: IncidentStatus,
  impact: IncidentImpact,
});
export type SourceIncident = z.infer<typeof SourceIncident>;

export const SourceMaintenance = z.object({
  ...incidentFields,
  status: MaintenanceStatus,
  impact: z.union([IncidentImpact, z.literal('maintenance')]),
  scheduled_for: when,
  scheduled_until: when,
});
export type SourceMaintenance = z.infer<typeof SourceMaintenance>;

export const SourceSummary = z.object({ page: SourcePage, components: z.array(SourceComponent).max(1000) });
export const SourceIncidents = z.object({ incidents: z.array(SourceIncident).max(1000) });
export const SourceMaintenances = z.object({ scheduled_maintenances: z.array(SourceMaintenance).max(1000) });
/** `/api/v2/incidents/{code}.json` answers `{ page, incident }`. */
export const SourceIncidentResponse = z.object({ incident: SourceIncident });
/** `/history.json?page=N`: three months a page, each listing incident codes; empty past the first incident. */
export const SourceHistoryPage = z.object({
  months: z.array(z.object({ incidents: z.array(z.object({ code: sourceId })).max(1000) })).max(24),
});

/** The paths of a Statuspage page the importer reads, relative to the page root. */
export const statuspagePaths = {
  summary: 'api/v2/summary.json',
  incidents: 'api/v2/incidents.json',
  maintenances: 'api/v2/scheduled-maintenances.json',
  history: (page: number) => `history.json?page=${page}`,
  incident: (code: string) => `api/v2/incidents/${encodeURIComponent(code)}.json`,
} as const;

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** FNV-1a over the string with a seed: a spread of bits, not a secret (ids are public anyway). */
function fnv(value: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The local id of an imported entry: a ULID whose time part is the entry's original creation time
 * (so "newest first" lists keep source order) and whose other 80 bits derive from the source page
 * and id. The same source entry always gets the same id, so a re-run finds what it wrote — and a
 * crash between two writes cannot leave a mapping behind that points nowhere.
 */
export function importedId(from: ImportedFrom, kind: string, createdAt: string): string {
  let t = Math.max(0, Date.parse(createdAt));
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const key = `${from.system}:${from.pageId}:${kind}:${from.id}`;
  let random = '';
  for (let seed = 0; seed < 4; seed++) {
    let h = fnv(key, seed * 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      random += alphabet[h % 32];
      h = Math.floor(h / 32);
    }
  }
  return time + random;
}

export interface ImportContext {
  tenantId: string;
  pageId: string;
  /** Who ran the import: the author of every imported entry (its source id is on `importedFrom`). */
  author: Author;
  /** Source component id → local component id (groups are not components). */
  componentIds: Map<string, string>;
}

const from = (ctx: ImportContext, id: string): ImportedFrom => ({ system: 'statuspage', pageId: ctx.pageId, id });

/** Groups come first in Statuspage's list; position is 1-based there, 0-based here. */
export function mapGroup(ctx: ImportContext, g: SourceComponent, existing?: ComponentGroup): ComponentGroup {
  return {
    id: importedId(from(ctx, g.id), 'group', g.created_at),
    tenantId: ctx.tenantId,
    name: g.name,
    description: g.description ?? null,
    position: Math.max(0, g.position - 1),
    createdAt: existing?.createdAt ?? g.created_at,
    updatedAt: existing?.updatedAt ?? g.created_at,
  };
}

export function componentIdFor(ctx: Pick<ImportContext, 'pageId'>, c: SourceComponent): string {
  return importedId({ system: 'statuspage', pageId: ctx.pageId, id: c.id }, 'component', c.created_at);
}

export function mapComponent(
  ctx: ImportContext,
  c: SourceComponent,
  groupIds: Map<string, string>,
  existing?: Component,
): Component {
  return {
    id: componentIdFor(ctx, c),
    tenantId: ctx.tenantId,
    groupId: c.group_id ? (groupIds.get(c.group_id) ?? null) : null,
    name: c.name,
    description: c.description ?? null,
    position: Math.max(0, c.position - 1),
    status: c.status,
    statusSource: 'manual',
    onlyShowIfDegraded: c.only_show_if_degraded ?? false,
    showUptime: c.showcase ?? true,
    startDate: c.start_date ?? c.created_at.slice(0, 10),
    createdAt: existing?.createdAt ?? c.created_at,
    updatedAt: existing?.updatedAt ?? c.created_at,
  };
}

function componentChanges(ctx: ImportContext, u: SourceUpdate): ComponentChange[] {
  const changes: ComponentChange[] = [];
  for (const a of u.affected_components ?? []) {
    const componentId = ctx.componentIds.get(a.code);
    if (!componentId || !a.new_status) continue;
    changes.push({ componentId, oldStatus: a.old_status ?? a.new_status, newStatus: a.new_status });
  }
  return changes;
}

const oldestFirst = <T extends { displayAt: string; createdAt: string }>(a: T, b: T) =>
  a.displayAt.localeCompare(b.displayAt) || a.createdAt.localeCompare(b.createdAt);

/** Entries written here after an earlier import (not imported ones) survive a re-run, in time order. */
function localOnly<T extends { importedFrom?: ImportedFrom }>(existing: readonly T[] | undefined): T[] {
  return (existing ?? []).filter((u) => !u.importedFrom);
}

/** An update body must be non-empty here; Statuspage allows empty ones. */
const bodyOf = (body: string) => body.trim() || '(no text)';

export function mapIncident(ctx: ImportContext, i: SourceIncident, existing?: Incident): Incident {
  const imported: IncidentUpdate[] = i.incident_updates
    .filter((u): u is SourceUpdate & { status: IncidentStatus } => IncidentStatus.safeParse(u.status).success)
    .map((u) => ({
      id: importedId(from(ctx, u.id), 'incident_update', u.created_at),
      kind: 'update',
      status: u.status,
      body: bodyOf(u.body),
      displayAt: u.display_at ?? u.created_at,
      createdAt: u.created_at,
      author: ctx.author,
      componentChanges: componentChanges(ctx, u),
      correctsUpdateId: null,
      importedFrom: from(ctx, u.id),
      // History is not news: the notifier sends nothing for an entry marked so.
      notify: false,
    }));
  if (imported.length === 0) {
    // Statuspage can hold an incident with no update; ours always has its first one.
    imported.push({
      id: importedId(from(ctx, i.id), 'incident_update', i.created_at),
      kind: 'update',
      status: i.status,
      body: bodyOf(i.name),
      displayAt: i.created_at,
      createdAt: i.created_at,
      author: ctx.author,
      componentChanges: [],
      correctsUpdateId: null,
      importedFrom: from(ctx, i.id),
      notify: false,
    });
  }
  const local = localOnly(existing?.updates);
  const updates = [...imported, ...local].sort(oldestFirst);
  const componentIds = [
    ...new Set(
      [
        ...(i.components ?? []).map((c) => ctx.componentIds.get(c.id)),
        ...updates.flatMap((u) => u.componentChanges.map((c) => c.componentId)),
      ].filter((id): id is string => id !== undefined),
    ),
  ];
  // Once someone here posted to an imported incident, its status is theirs; the import keeps the rest in sync.
  const status = local.length > 0 && existing ? existing.status : i.status;
  const resolvedAt =
    status === 'resolved' || status === 'postmortem' ? (i.resolved_at ?? existing?.resolvedAt ?? null) : null;
  return {
    id: importedId(from(ctx, i.id), 'incident', i.created_at),
    tenantId: ctx.tenantId,
    name: i.name,
    impact: i.impact,
    status,
    componentIds,
    createdAt: i.created_at,
    updatedAt: [i.updated_at ?? i.created_at, ...local.map((u) => u.createdAt)].sort().at(-1) ?? i.created_at,
    resolvedAt,
    updates,
    importedFrom: from(ctx, i.id),
    version: existing ? existing.version + 1 : 1,
  };
}

export function mapMaintenance(ctx: ImportContext, m: SourceMaintenance, existing?: Maintenance): Maintenance {
  const imported: MaintenanceUpdate[] = m.incident_updates
    .filter((u): u is SourceUpdate & { status: MaintenanceStatus } => MaintenanceStatus.safeParse(u.status).success)
    .map((u) => ({
      id: importedId(from(ctx, u.id), 'maintenance_update', u.created_at),
      status: u.status,
      body: bodyOf(u.body),
      displayAt: u.display_at ?? u.created_at,
      createdAt: u.created_at,
      author: ctx.author,
      importedFrom: from(ctx, u.id),
      // History is not news: the notifier sends nothing for an entry marked so.
      notify: false,
    }));
  if (imported.length === 0) {
    imported.push({
      id: importedId(from(ctx, m.id), 'maintenance_update', m.created_at),
      status: m.status,
      body: bodyOf(m.name),
      displayAt: m.created_at,
      createdAt: m.created_at,
      author: ctx.author,
      importedFrom: from(ctx, m.id),
      notify: false,
    });
  }
  const local = localOnly(existing?.updates);
  return {
    id: importedId(from(ctx, m.id), 'maintenance', m.created_at),
    tenantId: ctx.tenantId,
    name: m.name,
    status: local.length > 0 && existing ? existing.status : m.status,
    // Statuspage's "maintenance" impact has no equivalent: it is the absence of an incident impact.
    impact: m.impact === 'maintenance' ? 'none' : m.impact,
    componentIds: (m.components ?? [])
      .map((c) => ctx.componentIds.get(c.id))
      .filter((id): id is string => id !== undefined),
    scheduledFor: m.scheduled_for,
    scheduledUntil: m.scheduled_until,
    // The public JSON does not say whether the source automated the transitions; a person decides here.
    autoStart: existing?.autoStart ?? false,
    autoComplete: existing?.autoComplete ?? false,
    createdAt: m.created_at,
    updatedAt: [m.updated_at ?? m.created_at, ...local.map((u) => u.createdAt)].sort().at(-1) ?? m.created_at,
    updates: [...imported, ...local].sort(oldestFirst),
    importedFrom: from(ctx, m.id),
    version: existing ? existing.version + 1 : 1,
  };
}

/** Key-order-independent JSON, to tell whether a mapped record differs from the stored one. */
export function sameRecord(a: unknown, b: unknown, ignore: readonly string[] = []): boolean {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k, x]) => x !== undefined && !ignore.includes(k))
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([k, x]) => [k, norm(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export const ImportStatus = z.enum(['queued', 'running', 'completed', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

const Count = z.number().int().min(0);
export const ImportCounts = z.object({
  components: Count.meta({ example: 12 }),
  groups: Count.meta({ example: 3 }),
  incidents: Count.meta({ example: 340 }),
  maintenances: Count.meta({ example: 8 }),
  created: Count.meta({ example: 363 }),
  updated: Count.meta({ example: 0 }),
  unchanged: Count.meta({ example: 0 }),
  /** Entries left out: history entries that were not readable incidents, or timelines over our size limit. */
  skipped: Count.meta({ example: 0 }),
  /** Only when a management API key was given and subscribers could be imported. */
  subscribers: Count.optional().meta({ example: 0 }),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

/** An import run: created by `POST /v1/imports`, advanced by the runner, read for progress. */
export const ImportJob = z.object({
  id: z.string().meta({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
  tenantId: z.string().meta({ example: '01JDZ3M2A4B6C8D0E2F4G6H8J0' }),
  source: z.object({
    system: z.literal('statuspage'),
    url: z.string().meta({ example: 'https://www.githubstatus.com' }),
  }),
  status: ImportStatus,
  /** What the runner is doing, and how far it is (`done` of `total` steps; total grows as history is read). */
  progress: z.object({
    phase: z.enum(['queued', 'reading', 'components', 'incidents', 'maintenances', 'done']),
    done: Count.meta({ example: 120 }),
    total: Count.meta({ example: 363 }),
  }),
  counts: ImportCounts,
  error: z.object({ code: z.string(), message: z.string() }).nullable().meta({ example: null }),
  /** Subscribers need the source's management API key (see services/imports/subscribers.ts). */
  subscribers: z.enum(['not_requested', 'imported']),
  startedBy: Author,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number().int().min(1).meta({ example: 7 }),
});
export type ImportJob = z.infer<typeof ImportJob>;
