import { DeleteCommand, GetCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Author } from '@upstate/core';
import type { Db } from './db.ts';
import { strip } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import {
  apiKeysByTenant,
  auditPartition,
  checkPartition,
  deletingQueue,
  deliveryPartition,
  heartbeatsByTenant,
  idempotencyKey,
  type Key,
  notifyEntryPartition,
  rollupPartition,
  slugKey,
  subscriberTokenKey,
  teamKey,
  tenantKey,
  tenantPartition,
  tokenKey,
  userKey,
} from './keys.ts';
import type { TenantRecord } from './tenants.ts';

/** A tenant being deleted: the record as it was, and when the deletion started. */
export type DeletingTenant = TenantRecord & { deletingAt: string };

type Item = Record<string, unknown>;
const keyOf = (item: Item): Key => ({ pk: String(item.pk), sk: String(item.sk) });

// Partitions beside the tenant's own that only ever hold its items.
const sidePartitions = (tenantId: string) => [
  `${tenantPartition(tenantId)}#SUBTARGET`,
  `${tenantPartition(tenantId)}#SUPPRESS`,
];

/**
 * The queries and single-item writes of tenant deletion (`packages/services/src/tenant/delete.ts`
 * orders them). Every write here is idempotent: deleting what is gone is a no-op, so a retry
 * re-runs the whole sequence.
 */
export function tenantDeletionRepo(db: Db) {
  const queryAll = async (input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> => {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.doc.send(new QueryCommand({ TableName: db.table, ...input, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const partition = (pk: string) =>
    queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
  const gsi1 = (pk: string) =>
    queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pk } });

  return {
    /**
     * Marks the tenant `deleting` (the first write of a deletion; a repeat keeps the first time) and
     * moves it from the tenant directory to the deletion queue, so daily jobs skip it and the
     * reconciler finishes it. Undefined when the tenant is gone already.
     */
    async mark(tenantId: string): Promise<DeletingTenant | undefined> {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: tenantKey(tenantId),
            UpdateExpression: 'SET deletingAt = if_not_exists(deletingAt, :at), gsi2pk = :queue, gsi2sk = :id',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': db.now().toISOString(), ':queue': deletingQueue, ':id': tenantId },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<DeletingTenant>(Attributes);
      } catch (error) {
        if (isConditionalFailure(error)) return undefined;
        throw error;
      }
    },

    /** The tenant record, deleting or not (`tenants.get` hides a deleting tenant). */
    async get(tenantId: string): Promise<(TenantRecord & { deletingAt?: string }) | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: tenantKey(tenantId), ConsistentRead: true }),
      );
      return strip(Item);
    },

    /** Marks the team item: every session of the tenant is refused from this write on. */
    async markTeam(tenantId: string): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: teamKey(tenantId),
            UpdateExpression: 'SET deletingAt = if_not_exists(deletingAt, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': db.now().toISOString() },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },

    /** Tenants whose deletion started and has not finished, oldest id first (the reconciler's list). */
    async listDeleting(limit = 25): Promise<string[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': deletingQueue },
          ProjectionExpression: 'gsi2sk',
          Limit: limit,
        }),
      );
      return Items.map((item) => String(item.gsi2sk));
    },

    /**
     * The tenant's API keys (by hash), each after its idempotency records (found through the key's
     * id): removed first, so no key acts during the deletion.
     */
    async apiKeyItems(tenantId: string): Promise<Key[]> {
      const keys = await gsi1(apiKeysByTenant(tenantId));
      const records = await Promise.all(
        keys.map((k) => partition(idempotencyKey(`${tenantId}#api_key:${String(k.id)}`, '').pk)),
      );
      return [...records.flat().map(keyOf), ...keys.map(keyOf)];
    },

    /**
     * Every other item of the tenant except its TENANT and TEAM items, in an order a crash can stop
     * anywhere in, as phases: items found through another item (a subscriber's link token, a monitor's
     * checks, a component's rollups, an entry's deliveries, an invite's token) go in a phase before the
     * item that finds them. Components and monitors that were deleted earlier are found through the
     * audit trail, which goes last for that reason.
     */
    async dataItems(tenantId: string): Promise<Key[][]> {
      const main = await partition(tenantPartition(tenantId));
      const audit = await partition(auditPartition(tenantId));
      const componentIds = new Set<string>();
      const monitorIds = new Set<string>();
      // Idempotency records live in one partition per caller; every caller that wrote is an audit author.
      const callerIds = new Set<string>();
      const derived: Key[] = [];
      for (const item of main) {
        const sk = String(item.sk);
        if (sk === 'TEAM')
          for (const member of Object.values((item.members ?? {}) as Record<string, { userId: string }>))
            callerIds.add(`user:${member.userId}`);
        if (sk.startsWith('COMPONENT#')) componentIds.add(sk.slice('COMPONENT#'.length));
        if (sk.startsWith('MONITOR#')) monitorIds.add(sk.slice('MONITOR#'.length));
        if (sk.startsWith('SUBSCRIBER#') && typeof item.tokenHash === 'string')
          derived.push(subscriberTokenKey(item.tokenHash));
        if (sk.startsWith('INVITE#') && typeof item.tokenHash === 'string') derived.push(tokenKey(item.tokenHash));
      }
      for (const event of audit) {
        const target = event.target as { type?: string; id?: string } | undefined;
        if (target?.type === 'component' && target.id) componentIds.add(target.id);
        if (target?.type === 'monitor' && target.id) monitorIds.add(target.id);
        const author = event.author as Author | undefined;
        if (author?.id) callerIds.add(`${author.kind}:${author.id}`);
      }
      const notify = await partition(notifyEntryPartition(tenantId));
      const series = await Promise.all([
        ...[...monitorIds].map((id) => partition(checkPartition(tenantId, id))),
        ...[...componentIds].map((id) => partition(rollupPartition(tenantId, id))),
        ...notify.map((entry) => partition(deliveryPartition(tenantId, String(entry.sk)))),
        ...sidePartitions(tenantId).map(partition),
        ...[...callerIds].map((caller) => partition(idempotencyKey(`${tenantId}#${caller}`, '').pk)),
        gsi1(heartbeatsByTenant(tenantId)),
      ]);
      const own = main.filter((item) => item.sk !== 'TENANT' && item.sk !== 'TEAM');
      return [[...derived, ...series.flat().map(keyOf)], notify.map(keyOf), own.map(keyOf), audit.map(keyOf)];
    },

    /**
     * Deletes the given items, a few at a time; absent ones are no-ops. Phases run one after the
     * other: no item of a phase goes before every item of the phases before it is gone, so an item
     * that finds others outlives them even when a write of the same round fails.
     */
    async deleteItems(phases: Key[] | Key[][], concurrency = 8): Promise<void> {
      const list = (phases.length && Array.isArray(phases[0]) ? phases : [phases]) as Key[][];
      for (const keys of list) {
        for (let i = 0; i < keys.length; i += concurrency) {
          const results = await Promise.allSettled(
            keys.slice(i, i + concurrency).map((Key) => db.doc.send(new DeleteCommand({ TableName: db.table, Key }))),
          );
          const failed = results.find((r) => r.status === 'rejected');
          if (failed) throw failed.reason;
        }
      }
    },

    /**
     * Points an account that was created with this tenant at another tenant it belongs to, or at none
     * (the attribute removed): a login with no team. Conditional on the tenant it named, so an account
     * that moved on meanwhile is left alone.
     */
    async rehomeUser(email: string, fromTenantId: string, toTenantId: string | undefined): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: userKey(email),
            UpdateExpression: toTenantId ? 'SET tenantId = :to' : 'REMOVE tenantId',
            ConditionExpression: 'tenantId = :from',
            ExpressionAttributeValues: { ':from': fromTenantId, ...(toTenantId ? { ':to': toTenantId } : {}) },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },

    /** Frees the slug for a new sign-up, only if this tenant still holds it. */
    async releaseSlug(slug: string, tenantId: string): Promise<void> {
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: slugKey(slug),
            ConditionExpression: 'tenantId = :id',
            ExpressionAttributeValues: { ':id': tenantId },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },

    /** The last writes: the team item, then the tenant item (which leaves the deletion queue with it). */
    async deleteTeam(tenantId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: teamKey(tenantId) }));
    },
    async deleteTenant(tenantId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: tenantKey(tenantId) }));
    },
  };
}
