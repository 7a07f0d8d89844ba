import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  AppError,
  type Incident,
  isIncidentOpen,
  isMaintenanceActive,
  type Maintenance,
  notFound,
  toInstant,
} from '@upstate/core';
import { type Db, type Page, strip } from './db.ts';
import { conditional } from './errors.ts';
import {
  completedMaintenanceByTenant,
  incidentKey,
  itemTypes,
  liveMaintenanceByTenant,
  maintenanceKey,
  maintenanceTransitionQueue,
  openIncidentsByTenant,
} from './keys.ts';
import { pageByPrefix, putIfVersion } from './queries.ts';

/**
 * An incident and all its updates live in one item, so an appended update is one conditional
 * write. DynamoDB caps items at 400 KB; we refuse writes past 350 KB of JSON (roughly 150 long
 * updates) with a 422 so the limit is a clear error, never a failed write.
 */
export const maxTimelineBytes = 350_000;

const instant = (v: string | null) => (v === null ? v : toInstant(v));

/** Data stored before times were normalised may carry offsets: it is read as UTC instants too. */
function readIncident(stored: Incident | undefined): Incident | undefined {
  if (!stored) return stored;
  return {
    ...stored,
    createdAt: toInstant(stored.createdAt),
    updatedAt: toInstant(stored.updatedAt),
    resolvedAt: instant(stored.resolvedAt),
    updates: stored.updates.map((u) => ({
      ...u,
      displayAt: toInstant(u.displayAt),
      createdAt: toInstant(u.createdAt),
    })),
  };
}

function readMaintenance(stored: Maintenance | undefined): Maintenance | undefined {
  if (!stored) return stored;
  return {
    ...stored,
    scheduledFor: toInstant(stored.scheduledFor),
    scheduledUntil: toInstant(stored.scheduledUntil),
    createdAt: toInstant(stored.createdAt),
    updatedAt: toInstant(stored.updatedAt),
    updates: stored.updates.map((u) => ({
      ...u,
      displayAt: toInstant(u.displayAt),
      createdAt: toInstant(u.createdAt),
    })),
  };
}

function assertSize(value: unknown, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > maxTimelineBytes) {
    throw new AppError('too_large', `This ${what} has reached its size limit (${maxTimelineBytes} bytes of updates)`, {
      field: 'body',
    });
  }
}

export function incidentsRepo(db: Db) {
  const item = (incident: Incident) => ({
    ...incidentKey(incident.tenantId, incident.id),
    type: itemTypes.incident,
    ...incident,
    // Sparse index: only unresolved incidents carry gsi1 keys.
    ...(isIncidentOpen(incident.status)
      ? { gsi1pk: openIncidentsByTenant(incident.tenantId), gsi1sk: incident.id }
      : {}),
  });
  return {
    async create(incident: Incident): Promise<Incident> {
      assertSize(incident, 'incident');
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: item(incident),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        'Incident already exists',
      );
      return incident;
    },
    async get(tenantId: string, id: string): Promise<Incident | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: incidentKey(tenantId, id) }));
      return readIncident(strip<Incident>(Item));
    },
    async require(tenantId: string, id: string): Promise<Incident> {
      const incident = await this.get(tenantId, id);
      if (!incident) throw notFound('Incident');
      return incident;
    },
    /** Writes `next` if the stored incident is still at `next.version - 1` (optimistic concurrency). */
    async save(next: Incident): Promise<Incident> {
      assertSize(next, 'incident');
      await putIfVersion(
        db,
        item(next),
        next.version - 1,
        'The incident changed since you loaded it; reload and try again',
      );
      return next;
    },
    /**
     * Appends the last entry of `next` (the pure rule applied to `loaded`) in one update, conditional
     * only on what the rule read: the status (the transition was judged from it) and, when they
     * change, the affected components. Appends that do not move those fields never conflict with
     * each other, so a burst of updates lands in about two rounds instead of one per writer. With
     * `expectedVersion` (If-Match) the version must match too. A lost condition is a `version` conflict.
     */
    async append(loaded: Incident, next: Incident, expectedVersion?: number): Promise<Incident> {
      assertSize(next, 'incident');
      const entry = next.updates.at(-1);
      if (!entry || next.updates.length !== loaded.updates.length + 1)
        throw new Error('append: next must add one entry');
      const sets = [
        'updates = list_append(updates, :entry)',
        '#status = :status',
        'updatedAt = :updatedAt',
        'resolvedAt = :resolvedAt',
      ];
      const conditions = ['attribute_exists(pk)', '#status = :loadedStatus'];
      const values: Record<string, unknown> = {
        ':entry': [entry],
        ':status': next.status,
        ':updatedAt': next.updatedAt,
        ':resolvedAt': next.resolvedAt,
        ':loadedStatus': loaded.status,
        ':one': 1,
      };
      if (next.impact !== loaded.impact) {
        sets.push('impact = :impact');
        conditions.push('impact = :loadedImpact');
        values[':impact'] = next.impact;
        values[':loadedImpact'] = loaded.impact;
      }
      if (JSON.stringify(next.componentIds) !== JSON.stringify(loaded.componentIds)) {
        sets.push('componentIds = :ids');
        conditions.push('componentIds = :loadedIds');
        values[':ids'] = next.componentIds;
        values[':loadedIds'] = loaded.componentIds;
      }
      if (expectedVersion !== undefined) {
        conditions.push('version = :expected');
        values[':expected'] = expectedVersion;
      }
      const open = isIncidentOpen(next.status);
      if (open) {
        sets.push('gsi1pk = :gpk', 'gsi1sk = :gsk');
        values[':gpk'] = openIncidentsByTenant(next.tenantId);
        values[':gsk'] = next.id;
      }
      const { Attributes } = await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: incidentKey(loaded.tenantId, loaded.id),
              UpdateExpression: `SET ${sets.join(', ')}${open ? '' : ' REMOVE gsi1pk, gsi1sk'} ADD version :one`,
              ConditionExpression: conditions.join(' AND '),
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          ),
        'The incident changed since you loaded it; reload and try again',
        'version',
      );
      return readIncident(strip<Incident>(Attributes)) as Incident;
    },
    /** Newest first, paged with a tenant-bound cursor. */
    async list(tenantId: string, options: { limit?: number; cursor?: string | null } = {}): Promise<Page<Incident>> {
      const page = await pageByPrefix<Incident>(db, tenantId, 'INCIDENT#', 'incidents', {
        limit: options.limit ?? 25,
        cursor: options.cursor,
      });
      return { items: page.items.map((i) => readIncident(i) as Incident), nextCursor: page.nextCursor };
    },
    async listUnresolved(tenantId: string): Promise<Incident[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': openIncidentsByTenant(tenantId) },
          ScanIndexForward: false,
        }),
      );
      return Items.map((i) => readIncident(strip<Incident>(i)) as Incident);
    },
  };
}

/** When the next automatic start or end of a maintenance is due; null when none is pending. */
export function nextAutoTransitionAt(m: Maintenance): string | null {
  if (m.status === 'scheduled' && m.autoStart) return m.scheduledFor;
  if ((m.status === 'in_progress' || m.status === 'verifying') && m.autoComplete) return m.scheduledUntil;
  return null;
}

export function maintenancesRepo(db: Db) {
  const item = (m: Maintenance) => {
    const dueAt = nextAutoTransitionAt(m);
    return {
      ...maintenanceKey(m.tenantId, m.id),
      type: itemTypes.maintenance,
      ...m,
      // By schedule, in one of two partitions: live (not completed) and completed. The snapshot reads
      // every live one and the latest completed, whatever their age (creation order is no guide).
      gsi1pk: m.status === 'completed' ? completedMaintenanceByTenant(m.tenantId) : liveMaintenanceByTenant(m.tenantId),
      gsi1sk: `${toInstant(m.scheduledFor)}#${m.id}`,
      // Sparse cross-tenant queue of pending automatic transitions (the checker applies them on time).
      ...(dueAt ? { gsi2pk: maintenanceTransitionQueue, gsi2sk: `${dueAt}#${m.tenantId}#${m.id}` } : {}),
    };
  };
  return {
    async create(m: Maintenance): Promise<Maintenance> {
      assertSize(m, 'maintenance');
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({ TableName: db.table, Item: item(m), ConditionExpression: 'attribute_not_exists(pk)' }),
          ),
        'Maintenance already exists',
      );
      return m;
    },
    async get(tenantId: string, id: string): Promise<Maintenance | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: maintenanceKey(tenantId, id) }));
      return readMaintenance(strip<Maintenance>(Item));
    },
    async require(tenantId: string, id: string): Promise<Maintenance> {
      const m = await this.get(tenantId, id);
      if (!m) throw notFound('Scheduled maintenance');
      return m;
    },
    async save(next: Maintenance): Promise<Maintenance> {
      assertSize(next, 'maintenance');
      await putIfVersion(
        db,
        item(next),
        next.version - 1,
        'The maintenance changed since you loaded it; reload and try again',
      );
      return next;
    },
    async delete(tenantId: string, id: string, expectedVersion: number): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: maintenanceKey(tenantId, id),
              ConditionExpression: 'attribute_exists(pk) AND version = :v',
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
          ),
        'The maintenance changed since you loaded it',
        'version',
      );
    },
    /** Newest scheduled first, paged. */
    async list(tenantId: string, options: { limit?: number; cursor?: string | null } = {}): Promise<Page<Maintenance>> {
      const page = await pageByPrefix<Maintenance>(db, tenantId, 'MAINT#', 'maintenance', {
        limit: options.limit ?? 25,
        cursor: options.cursor,
      });
      return { items: page.items.map((m) => readMaintenance(m) as Maintenance), nextCursor: page.nextCursor };
    },
    /** Not yet completed (the upcoming and the active), whatever their age, by start time; every page. */
    async listLive(tenantId: string): Promise<Maintenance[]> {
      const out: Maintenance[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': liveMaintenanceByTenant(tenantId) },
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? []) out.push(readMaintenance(strip<Maintenance>(i)) as Maintenance);
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
    /** The latest-scheduled completed maintenance, newest first. */
    async listRecentCompleted(tenantId: string, limit: number): Promise<Maintenance[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': completedMaintenanceByTenant(tenantId) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map((i) => readMaintenance(strip<Maintenance>(i)) as Maintenance);
    },
    /** Maintenance, across tenants, whose automatic start or end is due at `now`, oldest first. */
    async listDueTransitions(now: Date, limit = 500): Promise<Maintenance[]> {
      const out: Maintenance[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
            ExpressionAttributeValues: { ':pk': maintenanceTransitionQueue, ':now': `${now.toISOString()}#~` },
            ExclusiveStartKey: start,
            Limit: limit,
          }),
        );
        for (const i of page.Items ?? []) out.push(readMaintenance(strip<Maintenance>(i)) as Maintenance);
        start = out.length < limit ? page.LastEvaluatedKey : undefined;
      } while (start);
      return out.slice(0, limit);
    },
    async listUpcoming(tenantId: string, now: Date): Promise<Maintenance[]> {
      return (await this.listLive(tenantId)).filter(
        (m) => m.status === 'scheduled' && Date.parse(m.scheduledUntil) > now.getTime(),
      );
    },
    async listActive(tenantId: string): Promise<Maintenance[]> {
      return (await this.listLive(tenantId)).filter(isMaintenanceActive);
    },
  };
}
