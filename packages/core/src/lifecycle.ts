import { AppError } from './errors.ts';
import { byInstant, newId } from './ids.ts';
import type {
  Author,
  ComponentChange,
  ComponentStatus,
  Incident,
  IncidentImpact,
  IncidentStatus,
  IncidentUpdate,
  Maintenance,
  MaintenanceStatus,
  MaintenanceUpdate,
} from './schemas.ts';

export const activeIncidentStatuses: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring'];

const incidentTransitions: Record<IncidentStatus, readonly IncidentStatus[]> = {
  // While open, teams move freely between the working states (a fix can fail in monitoring).
  investigating: ['investigating', 'identified', 'monitoring', 'resolved'],
  identified: ['investigating', 'identified', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'identified', 'monitoring', 'resolved'],
  // Once resolved, only a postmortem or an explicit reopen (see reopenIncident) may follow.
  resolved: ['resolved', 'postmortem'],
  postmortem: ['postmortem'],
};

export function isIncidentOpen(status: IncidentStatus): boolean {
  return activeIncidentStatuses.includes(status);
}

export function canTransitionIncident(from: IncidentStatus, to: IncidentStatus): boolean {
  return incidentTransitions[from].includes(to);
}

export function assertIncidentTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (!canTransitionIncident(from, to)) {
    const hint = from === 'resolved' || from === 'postmortem' ? ' Reopen the incident first.' : '';
    throw new AppError('invalid_transition', `An incident cannot go from ${from} to ${to}.${hint}`, {
      field: 'status',
    });
  }
}

export interface ComponentStatusRequest {
  componentId: string;
  status: ComponentStatus;
}

/**
 * Turns requested statuses into old → new entries; unknown components are a 4xx. A component
 * listed with the status it already has stays in (Statuspage shows it under the update's
 * `affected_components`); `statusChanges` keeps only the entries that change something.
 */
export function componentChanges(
  requested: readonly ComponentStatusRequest[],
  current: ReadonlyMap<string, ComponentStatus>,
  field = 'components',
): ComponentChange[] {
  const seen = new Set<string>();
  const changes: ComponentChange[] = [];
  requested.forEach((request, index) => {
    const oldStatus = current.get(request.componentId);
    if (oldStatus === undefined) {
      throw new AppError('validation_failed', `Unknown component ${request.componentId}`, {
        field: `${field}.${index}.componentId`,
      });
    }
    if (seen.has(request.componentId)) {
      throw new AppError('validation_failed', `Component ${request.componentId} is listed twice`, {
        field: `${field}.${index}.componentId`,
      });
    }
    seen.add(request.componentId);
    changes.push({ componentId: request.componentId, oldStatus, newStatus: request.status });
  });
  return changes;
}

/** The entries that change a component's status: what the caller applies. */
export const statusChanges = (touched: readonly ComponentChange[]): ComponentChange[] =>
  touched.filter((c) => c.oldStatus !== c.newStatus);

export interface UpdateContext {
  author: Author;
  now: Date;
  /** Current status of every component of the tenant. */
  components: ReadonlyMap<string, ComponentStatus>;
}

export interface CreateIncidentInput {
  name: string;
  impact: IncidentImpact;
  status?: IncidentStatus;
  body: string;
  components?: ComponentStatusRequest[];
  displayAt?: string;
  /** `false`: the entry reaches the page and no subscriber (Statuspage's `deliver_notifications`). */
  notify?: boolean | undefined;
}

function makeUpdate(
  status: IncidentStatus,
  body: string,
  changes: ComponentChange[],
  context: UpdateContext,
  displayAt?: string,
  notify?: boolean,
): IncidentUpdate {
  const now = context.now.toISOString();
  return {
    id: newId(context.now.getTime()),
    kind: 'update',
    status,
    body,
    displayAt: displayAt ?? now,
    createdAt: now,
    author: context.author,
    componentChanges: changes,
    correctsUpdateId: null,
    // Absent means on, so entries stored before the switch existed keep notifying.
    ...(notify === false ? { notify: false } : {}),
  };
}

/** A new incident with its first update. Returns the component status changes for the caller to apply. */
export function createIncident(
  tenantId: string,
  input: CreateIncidentInput,
  context: UpdateContext,
): { incident: Incident; changes: ComponentChange[] } {
  const status = input.status ?? 'investigating';
  if (status === 'postmortem') {
    throw new AppError('invalid_transition', 'A new incident cannot start in postmortem', { field: 'status' });
  }
  const changes = componentChanges(input.components ?? [], context.components);
  const now = context.now.toISOString();
  const update = makeUpdate(status, input.body, changes, context, input.displayAt, input.notify);
  const incident: Incident = {
    id: newId(context.now.getTime()),
    tenantId,
    name: input.name,
    impact: input.impact,
    status,
    componentIds: (input.components ?? []).map((c) => c.componentId),
    createdAt: now,
    updatedAt: now,
    resolvedAt: status === 'resolved' ? now : null,
    updates: [update],
    version: 1,
  };
  return { incident, changes: statusChanges(changes) };
}

export interface IncidentUpdateInput {
  status: IncidentStatus;
  body: string;
  components?: ComponentStatusRequest[];
  impact?: IncidentImpact;
  displayAt?: string;
  notify?: boolean | undefined;
}

/** Appends an update (a status transition, a body, component changes). Never edits earlier entries. */
export function appendIncidentUpdate(
  incident: Incident,
  input: IncidentUpdateInput,
  context: UpdateContext,
): { incident: Incident; changes: ComponentChange[] } {
  assertIncidentTransition(incident.status, input.status);
  const changes = componentChanges(input.components ?? [], context.components);
  const update = makeUpdate(input.status, input.body, changes, context, input.displayAt, input.notify);
  const now = context.now.toISOString();
  const componentIds = [...new Set([...incident.componentIds, ...(input.components ?? []).map((c) => c.componentId)])];
  const resolvedAt =
    input.status === 'resolved' && incident.status !== 'resolved'
      ? now
      : isIncidentOpen(input.status)
        ? null
        : incident.resolvedAt;
  return {
    incident: {
      ...incident,
      status: input.status,
      impact: input.impact ?? incident.impact,
      componentIds,
      updatedAt: now,
      resolvedAt,
      updates: [...incident.updates, update],
      version: incident.version + 1,
    },
    changes: statusChanges(changes),
  };
}

/**
 * Resolves an incident. Unless told otherwise, every affected component that is not operational
 * goes back to operational, as Statuspage does.
 */
export function resolveIncident(
  incident: Incident,
  input: { body?: string; components?: ComponentStatusRequest[]; notify?: boolean | undefined },
  context: UpdateContext,
): { incident: Incident; changes: ComponentChange[] } {
  const components =
    input.components ??
    incident.componentIds
      .filter((id) => {
        const status = context.components.get(id);
        return status !== undefined && status !== 'operational' && status !== 'under_maintenance';
      })
      .map((componentId) => ({ componentId, status: 'operational' as const }));
  return appendIncidentUpdate(
    incident,
    { status: 'resolved', body: input.body ?? 'This incident has been resolved.', components, notify: input.notify },
    context,
  );
}

/** Reopens a resolved incident: an appended update back to a working state. */
export function reopenIncident(
  incident: Incident,
  input: { status?: IncidentStatus; body: string; components?: ComponentStatusRequest[]; notify?: boolean | undefined },
  context: UpdateContext,
): { incident: Incident; changes: ComponentChange[] } {
  const status = input.status ?? 'investigating';
  if (isIncidentOpen(incident.status)) {
    throw new AppError('invalid_transition', 'The incident is not resolved, so it cannot be reopened', {
      field: 'status',
    });
  }
  if (!isIncidentOpen(status)) {
    throw new AppError('invalid_transition', `A reopened incident must be investigating, identified or monitoring`, {
      field: 'status',
    });
  }
  const changes = componentChanges(input.components ?? [], context.components);
  const update = makeUpdate(status, input.body, changes, context, undefined, input.notify);
  return {
    incident: {
      ...incident,
      status,
      resolvedAt: null,
      updatedAt: context.now.toISOString(),
      updates: [...incident.updates, update],
      version: incident.version + 1,
    },
    changes: statusChanges(changes),
  };
}

/** Corrects the text of an earlier update: a new `correction` entry; the original stays in the trail. */
export function correctIncidentUpdate(
  incident: Incident,
  updateId: string,
  body: string,
  context: Omit<UpdateContext, 'components'>,
): Incident {
  const target = incident.updates.find((u) => u.id === updateId && u.kind === 'update');
  if (!target) throw new AppError('not_found', 'Incident update not found');
  const now = context.now.toISOString();
  const correction: IncidentUpdate = {
    id: newId(context.now.getTime()),
    kind: 'correction',
    status: target.status,
    body,
    displayAt: target.displayAt,
    createdAt: now,
    author: context.author,
    componentChanges: [],
    correctsUpdateId: target.id,
  };
  return { ...incident, updatedAt: now, updates: [...incident.updates, correction], version: incident.version + 1 };
}

/**
 * The timeline as readers see it: updates newest first, each showing its latest correction's text.
 * The stored trail keeps every entry.
 */
export function publicTimeline(incident: Incident): IncidentUpdate[] {
  const latestBody = new Map<string, string>();
  for (const entry of incident.updates) {
    if (entry.kind === 'correction' && entry.correctsUpdateId) latestBody.set(entry.correctsUpdateId, entry.body);
  }
  return incident.updates
    .filter((u) => u.kind === 'update')
    .map((u) => ({ ...u, body: latestBody.get(u.id) ?? u.body }))
    .sort((a, b) => byInstant(b.displayAt, a.displayAt) || byInstant(b.createdAt, a.createdAt));
}

// Scheduled maintenance -------------------------------------------------------------------------

const maintenanceOrder: readonly MaintenanceStatus[] = ['scheduled', 'in_progress', 'verifying', 'completed'];

export function assertMaintenanceTransition(from: MaintenanceStatus, to: MaintenanceStatus): void {
  const a = maintenanceOrder.indexOf(from);
  const b = maintenanceOrder.indexOf(to);
  // Forward only (skipping verifying is allowed); completed is final.
  if (b < a || from === 'completed') {
    throw new AppError('invalid_transition', `Maintenance cannot go from ${from} to ${to}`, { field: 'status' });
  }
}

/** Where automatic start/end would put the maintenance at `now` (never moves it backwards). */
export function maintenanceStatusAt(maintenance: Maintenance, now: Date): MaintenanceStatus {
  const t = now.getTime();
  let status = maintenance.status;
  if (status === 'scheduled' && maintenance.autoStart && t >= Date.parse(maintenance.scheduledFor)) {
    status = 'in_progress';
  }
  if (
    (status === 'in_progress' || status === 'verifying') &&
    maintenance.autoComplete &&
    t >= Date.parse(maintenance.scheduledUntil)
  ) {
    status = 'completed';
  }
  return status;
}

/** Applies automatic start/end as appended system updates. Returns the same object if nothing changed. */
export function applyMaintenanceAutoTransitions(maintenance: Maintenance, now: Date, notify?: boolean): Maintenance {
  const target = maintenanceStatusAt(maintenance, now);
  if (target === maintenance.status) return maintenance;
  const author: Author = { kind: 'system', id: 'scheduler', label: 'Automatic' };
  const updates: MaintenanceUpdate[] = [];
  let current = maintenance.status;
  if (current === 'scheduled' && target !== 'scheduled') {
    updates.push(
      systemMaintenanceUpdate(
        'in_progress',
        'Scheduled maintenance is now in progress.',
        maintenance.scheduledFor,
        now,
        author,
      ),
    );
    current = 'in_progress';
  }
  if (target === 'completed' && current !== 'completed') {
    updates.push(
      systemMaintenanceUpdate(
        'completed',
        'The scheduled maintenance has been completed.',
        maintenance.scheduledUntil,
        now,
        author,
      ),
    );
  }
  return {
    ...maintenance,
    status: target,
    updatedAt: now.toISOString(),
    updates: [...maintenance.updates, ...updates.map((u) => (notify === false ? { ...u, notify: false } : u))],
    version: maintenance.version + 1,
  };
}

function systemMaintenanceUpdate(
  status: MaintenanceStatus,
  body: string,
  displayAt: string,
  now: Date,
  author: Author,
): MaintenanceUpdate {
  return { id: newId(now.getTime()), status, body, displayAt, createdAt: now.toISOString(), author };
}

export function isMaintenanceActive(maintenance: Maintenance): boolean {
  return maintenance.status === 'in_progress' || maintenance.status === 'verifying';
}

export function isMaintenanceUpcoming(maintenance: Maintenance, now: Date): boolean {
  return maintenance.status === 'scheduled' && Date.parse(maintenance.scheduledUntil) > now.getTime();
}

/** Component statuses as the page shows them: active maintenance shows as under_maintenance. */
export function effectiveComponentStatuses<T extends { id: string; status: ComponentStatus }>(
  components: readonly T[],
  maintenances: readonly Maintenance[],
  now: Date,
): Map<string, ComponentStatus> {
  const inMaintenance = new Set<string>();
  for (const m of maintenances) {
    if (isMaintenanceActive({ ...m, status: maintenanceStatusAt(m, now) })) {
      for (const id of m.componentIds) inMaintenance.add(id);
    }
  }
  const result = new Map<string, ComponentStatus>();
  for (const c of components) {
    // A real outage outranks maintenance: readers must see it.
    const outage = c.status === 'major_outage' || c.status === 'partial_outage' || c.status === 'degraded_performance';
    result.set(c.id, inMaintenance.has(c.id) && !outage ? 'under_maintenance' : c.status);
  }
  return result;
}
