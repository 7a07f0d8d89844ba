import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CheckResult, type ComponentStatus, type DailyRollup, type Monitor, notFound } from '@upstate/core';
import { type Db, epochSeconds, strip } from './db.ts';
import { conditional, isConditionalFailure } from './errors.ts';
import {
  checkKey,
  checkPartition,
  dueShard,
  heartbeatKey,
  heartbeatsByTenant,
  itemTypes,
  monitorKey,
  monitorShards,
  rollupKey,
  rollupPartition,
  statusCreditKey,
} from './keys.ts';
import { listByPrefix, putIfVersion } from './queries.ts';

/** How far the checker has credited a tenant's status time (components without a monitor). */
export interface StatusCredit {
  /** ISO instant (from `toISOString`): status time before it is credited. */
  creditedUntil: string;
  /** Components that had an active monitor at the claim → until when their monitors credit them. */
  monitoredUntil: Record<string, string>;
}

/** Check results are kept ~100 days (TTL on AWS), enough for the 90-day page. */
export const checkRetentionDays = 100;

function shardOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % monitorShards;
}

export function monitorsRepo(db: Db) {
  const item = (m: Monitor) => ({
    ...monitorKey(m.tenantId, m.id),
    type: itemTypes.monitor,
    ...m,
    // Due queue: paused monitors leave it (sparse).
    ...(m.paused ? {} : { gsi2pk: dueShard(shardOf(m.id)), gsi2sk: `${m.nextRunAt}#${m.tenantId}#${m.id}` }),
  });
  return {
    async create(monitor: Monitor, heartbeatTokenHash?: string): Promise<Monitor> {
      await db.doc.send(
        new PutCommand({ TableName: db.table, Item: item(monitor), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      if (heartbeatTokenHash) {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...heartbeatKey(heartbeatTokenHash),
              type: itemTypes.heartbeat,
              tenantId: monitor.tenantId,
              monitorId: monitor.id,
              gsi1pk: heartbeatsByTenant(monitor.tenantId),
              gsi1sk: monitor.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
      return monitor;
    },
    async get(tenantId: string, id: string): Promise<Monitor | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: monitorKey(tenantId, id) }));
      return strip<Monitor>(Item);
    },
    async require(tenantId: string, id: string): Promise<Monitor> {
      const m = await this.get(tenantId, id);
      if (!m) throw notFound('Monitor');
      return m;
    },
    async list(tenantId: string): Promise<Monitor[]> {
      return listByPrefix<Monitor>(db, tenantId, 'MONITOR#');
    },
    /** Writes `next` if the stored monitor is still at `next.version - 1`. */
    async save(next: Monitor): Promise<Monitor> {
      await putIfVersion(db, item(next), next.version - 1, 'The monitor changed meanwhile');
      return next;
    },
    /**
     * Sets only the given settings (a PATCH), never the run state the checker records, so a run
     * recorded between a client's read and its PATCH is kept. With `expectedVersion` (If-Match) the
     * write is refused when the monitor changed. Unpausing makes the monitor due at once.
     */
    async updateSettings(
      tenantId: string,
      id: string,
      fields: Partial<
        Pick<Monitor, 'name' | 'config' | 'intervalSeconds' | 'failureThreshold' | 'recoveryThreshold' | 'paused'>
      >,
      expectedVersion?: number,
    ): Promise<Monitor> {
      const at = db.now().toISOString();
      const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':at': at, ':one': 1 };
      const sets = ['updatedAt = :at'];
      const removes: string[] = [];
      entries.forEach(([name, value], i) => {
        names[`#f${i}`] = name;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
      if (fields.paused === true) removes.push('gsi2pk', 'gsi2sk');
      if (fields.paused === false) {
        values[':due'] = dueShard(shardOf(id));
        values[':dueAt'] = `${at}#${tenantId}#${id}`;
        sets.push('nextRunAt = :at', 'gsi2pk = :due', 'gsi2sk = :dueAt');
      }
      if (expectedVersion !== undefined) values[':v'] = expectedVersion;
      const { Attributes } = await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: monitorKey(tenantId, id),
              UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD version :one`,
              ConditionExpression:
                expectedVersion === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND version = :v',
              ...(entries.length ? { ExpressionAttributeNames: names } : {}),
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          ),
        expectedVersion === undefined ? 'Monitor not found' : 'The monitor changed since you loaded it',
        expectedVersion === undefined ? 'id' : 'If-Match',
      );
      return strip<Monitor>(Attributes) as Monitor;
    },
    async delete(tenantId: string, id: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: monitorKey(tenantId, id),
              ConditionExpression: 'attribute_exists(pk)',
            }),
          ),
        'Monitor not found',
      );
    },
    /**
     * Monitors whose nextRunAt has passed, across every shard of the due queue: oldest first within
     * a tenant, tenants taken in turn (see `fairOrder`), so a page never fills with one tenant's backlog.
     */
    async listDue(now: Date, limit = 500): Promise<Monitor[]> {
      const perShard = await Promise.all(
        Array.from({ length: monitorShards }, async (_, shard) => {
          const out: Monitor[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await db.doc.send(
              new QueryCommand({
                TableName: db.table,
                IndexName: 'gsi2',
                KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
                ExpressionAttributeValues: { ':pk': dueShard(shard), ':now': `${now.toISOString()}#~` },
                ExclusiveStartKey: start,
                Limit: limit,
              }),
            );
            for (const i of page.Items ?? []) out.push(strip<Monitor>(i) as Monitor);
            start = out.length < limit ? page.LastEvaluatedKey : undefined;
          } while (start);
          return out;
        }),
      );
      return fairOrder(perShard.flat()).slice(0, limit);
    },
    /**
     * Records one checker run on a monitor loaded from `listDue`: only the run state (never the
     * settings or `lastHeartbeatAt`, which a ping may be writing meanwhile), and only if nobody ran,
     * edited or paused it since it was loaded. False when that condition failed: overlapping
     * checker runs record a due slot exactly once.
     */
    async recordRun(
      loaded: Monitor,
      run: Pick<Monitor, 'nextRunAt' | 'lastResult' | 'consecutiveFailures' | 'consecutiveSuccesses' | 'verdict'>,
    ): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: monitorKey(loaded.tenantId, loaded.id),
            UpdateExpression:
              'SET nextRunAt = :next, lastResult = :result, consecutiveFailures = :f, consecutiveSuccesses = :s, verdict = :verdict, gsi2sk = :due',
            ConditionExpression:
              'attribute_exists(pk) AND version = :version AND nextRunAt = :loadedNext AND paused = :false',
            ExpressionAttributeValues: {
              ':next': run.nextRunAt,
              ':result': run.lastResult,
              ':f': run.consecutiveFailures,
              ':s': run.consecutiveSuccesses,
              ':verdict': run.verdict ?? 'operational',
              ':due': `${run.nextRunAt}#${loaded.tenantId}#${loaded.id}`,
              ':version': loaded.version,
              ':loadedNext': loaded.nextRunAt,
              ':false': false,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    /** Heartbeat ping lookup by the hash of the secret token (across tenants by design). */
    async getByHeartbeatHash(tokenHash: string): Promise<Monitor | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: heartbeatKey(tokenHash) }));
      if (!Item) return undefined;
      return this.get(Item.tenantId as string, Item.monitorId as string);
    },
    async recordHeartbeat(tenantId: string, id: string, at: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: monitorKey(tenantId, id),
              UpdateExpression: 'SET lastHeartbeatAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at },
            }),
          ),
        'Monitor not found',
      );
    },
  };
}

export function checksRepo(db: Db) {
  return {
    async record(result: CheckResult): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...checkKey(result.tenantId, result.monitorId, result.at),
            type: itemTypes.check,
            ...result,
            expiresAt: epochSeconds(new Date(Date.parse(result.at) + checkRetentionDays * 86_400_000)),
          },
        }),
      );
    },
    /** Newest first within [from, to]. */
    async list(
      tenantId: string,
      monitorId: string,
      options: { from?: string; to?: string; limit?: number } = {},
    ): Promise<CheckResult[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': checkPartition(tenantId, monitorId),
            ':from': options.from ?? '0',
            ':to': options.to ?? '9',
          },
          ScanIndexForward: false,
          Limit: options.limit ?? 100,
        }),
      );
      return Items.map((i) => {
        const { expiresAt, ...rest } = strip<CheckResult & { expiresAt: number }>(i) as CheckResult & {
          expiresAt: number;
        };
        return rest;
      });
    },
  };
}

export function rollupsRepo(db: Db) {
  return {
    /** Adds minutes to one component-day atomically (ADD on a map entry; safe under concurrency). */
    async addMinutes(
      tenantId: string,
      componentId: string,
      day: string,
      status: ComponentStatus,
      minutes: number,
    ): Promise<void> {
      const key = rollupKey(tenantId, componentId, day);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key,
            UpdateExpression: 'ADD minutes.#s :m',
            ConditionExpression: 'attribute_exists(minutes)',
            ExpressionAttributeNames: { '#s': status },
            ExpressionAttributeValues: { ':m': minutes },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        // First minutes of the day: create the map, unless a concurrent writer just did.
        try {
          await db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { ...key, type: itemTypes.rollup, componentId, day, minutes: { [status]: minutes } },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (inner) {
          if ((inner as { name?: string }).name !== 'ConditionalCheckFailedException') throw inner;
          await this.addMinutes(tenantId, componentId, day, status, minutes);
        }
      }
    },
    /**
     * Adds minutes to one component-day unless this component-day was already credited through
     * `until` (or later): one conditional write, so a retried or replayed credit counts once.
     * Returns false when it was already credited. `until` is an ISO instant from `toISOString`.
     */
    async creditMinutesOnce(
      tenantId: string,
      componentId: string,
      day: string,
      status: ComponentStatus,
      minutes: number,
      until: string,
    ): Promise<boolean> {
      const key = rollupKey(tenantId, componentId, day);
      const add = () =>
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key,
            UpdateExpression: 'ADD minutes.#s :m SET creditedUntil = :until',
            ConditionExpression:
              'attribute_exists(minutes) AND (attribute_not_exists(creditedUntil) OR creditedUntil < :until)',
            ExpressionAttributeNames: { '#s': status },
            ExpressionAttributeValues: { ':m': minutes, ':until': until },
          }),
        );
      try {
        await add();
        return true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      // Either the day's item does not exist yet, or it was credited through `until` already.
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...key,
              type: itemTypes.rollup,
              componentId,
              day,
              minutes: { [status]: minutes },
              creditedUntil: until,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      // The item exists (every rollup item has `minutes`), so only the watermark can fail now.
      try {
        await add();
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    /** A tenant's status-credit watermark (`claimStatusCredit`); null before the first claim. */
    async statusCredit(tenantId: string): Promise<StatusCredit | null> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: statusCreditKey(tenantId), ConsistentRead: true }),
      );
      if (typeof Item?.creditedUntil !== 'string') return null;
      return {
        creditedUntil: Item.creditedUntil,
        monitoredUntil: (Item.monitoredUntil as Record<string, string> | undefined) ?? {},
      };
    },
    /**
     * Moves a tenant's status-credit watermark from `previous` (null: none yet) to `next`, if it is
     * still at `previous` and `next` is later. True for exactly one of any number of concurrent claims.
     */
    async claimStatusCredit(tenantId: string, previous: string | null, next: StatusCredit): Promise<boolean> {
      // The watermark only moves forward.
      if (previous !== null && next.creditedUntil <= previous) return false;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: statusCreditKey(tenantId),
            UpdateExpression: 'SET creditedUntil = :until, monitoredUntil = :monitored, #type = :type',
            ConditionExpression:
              previous === null ? 'attribute_not_exists(creditedUntil)' : 'creditedUntil = :previous',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':until': next.creditedUntil,
              ':monitored': next.monitoredUntil,
              ':type': itemTypes.statusCredit,
              ...(previous === null ? {} : { ':previous': previous }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    async list(tenantId: string, componentId: string, fromDay: string, toDay: string): Promise<DailyRollup[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': rollupPartition(tenantId, componentId), ':from': fromDay, ':to': toDay },
        }),
      );
      return Items.map((i) => ({ componentId, day: i.day as string, minutes: i.minutes as DailyRollup['minutes'] }));
    },
    async listForComponents(
      tenantId: string,
      componentIds: readonly string[],
      fromDay: string,
      toDay: string,
    ): Promise<DailyRollup[]> {
      const all = await Promise.all(componentIds.map((id) => this.list(tenantId, id, fromDay, toDay)));
      return all.flat();
    },
  };
}

/**
 * Oldest first within each tenant, then round-robin across tenants (the tenant with the oldest due
 * monitor goes first in each round). One tenant's hundreds of overdue monitors therefore take one
 * place per round, and every other tenant's due monitor lands in the first page the checker reads.
 */
export function fairOrder(monitors: Monitor[]): Monitor[] {
  const byTenant = Map.groupBy(
    [...monitors].sort((a, b) => a.nextRunAt.localeCompare(b.nextRunAt)),
    (m) => m.tenantId,
  );
  const queues = [...byTenant.values()];
  const out: Monitor[] = [];
  for (let round = 0; out.length < monitors.length; round++) {
    for (const queue of queues) {
      const next = queue[round];
      if (next) out.push(next);
    }
  }
  return out;
}
