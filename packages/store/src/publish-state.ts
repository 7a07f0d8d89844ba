import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from './audit.ts';
import type { Db } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import { itemTypes, publishStateKey, stalePartition } from './keys.ts';

export interface PublishState {
  tenantId: string;
  contentVersion: number;
  publishedVersion: number;
  lease: { owner: string; expiresAt: string } | null;
  lastPublishedAt: string | null;
  lastPublishStartedAt: string | null;
  lastRolloverDay: string | null;
  /** Oldest start time of a write still in flight (or abandoned by a crash); null when none. */
  pendingSince: string | null;
}

/**
 * A write abandoned for longer than this (a crashed or timed-out request: Lambda's limit is 30 s)
 * is settled by the reconciler: it bumps contentVersion so whatever the write stored is published.
 */
export const abandonedWriteMs = 60_000;

const pendingPrefix = 'pending_';
const pendingName = (operationId: string) => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(operationId)) throw new Error('operation id must be an id');
  return `${pendingPrefix}${operationId.replaceAll('-', '_')}`;
};
// A delete's audit event rides on its marker: if the writer dies (or fails) between the delete and
// the audit, whoever settles the marker records the event, once its target is confirmed gone.
const intentName = (operationId: string) => `intent_${pendingName(operationId).slice(pendingPrefix.length)}`;
const pendingOf = (item: Record<string, unknown> | undefined) =>
  Object.entries(item ?? {})
    .filter(([name, at]) => name.startsWith(pendingPrefix) && typeof at === 'string')
    .map(([name, at]) => ({ name, at: at as string }));

// In the STALE index a fresh change sorts first ("0#"), then reconciler retries by time ("1#{iso}").
const staleSortKey = (tenantId: string, attemptedAt: string | null) =>
  attemptedAt ? `1#${attemptedAt}#${tenantId}` : `0#${tenantId}`;

// The publish state of a tenant is one item, so each step is one conditional UpdateItem:
// - contentVersion grows with ADD on every page-changing write;
// - the lease is taken only when free or expired, and released only by its owner;
// - publishedVersion only ever grows.
// While contentVersion > publishedVersion the item sits in the sparse `STALE` partition of gsi2,
// which is how the reconciler finds tenants whose publish was lost.
export function publishStateRepo(
  db: Db,
  /** Records a delete's audit event if its target is gone (wired by `createStore`); a no-op otherwise. */
  settleDeleteAudit: (event: AuditEvent) => Promise<void> = async () => {},
) {
  const key = publishStateKey;

  /** Leaves the STALE index once everything is published and no write is in flight. */
  async function leaveStaleIfCurrent(tenantId: string): Promise<void> {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(tenantId),
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression:
            'contentVersion = publishedVersion AND (attribute_not_exists(pendingWrites) OR pendingWrites <= :zero)',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** Bumps a tenant whose in-flight writes are older than `abandonedWriteMs`, clearing those markers. */
  async function settleAbandoned(tenantId: string, cutoff: string): Promise<void> {
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: key(tenantId), ConsistentRead: true }),
    );
    const abandoned = pendingOf(Item).filter((p) => p.at < cutoff);
    if (abandoned.length === 0) return;
    const names = Object.fromEntries(abandoned.map((p, i) => [`#p${i}`, p.name]));
    const intents = abandoned.map((p) => `intent_${p.name.slice(pendingPrefix.length)}`).filter((n) => Item?.[n]);
    // Before the markers go, so a crash here leaves them for the next run (the event id is fixed: once).
    for (const n of intents) await settleDeleteAudit(Item?.[n] as AuditEvent);
    const intentNames = Object.fromEntries(intents.map((n, i) => [`#i${i}`, n]));
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(tenantId),
          UpdateExpression: `REMOVE ${[...Object.keys(names), ...Object.keys(intentNames)].join(', ')} ADD contentVersion :one, pendingWrites :minus`,
          // Each marker exactly once: a concurrent endWrite or reconciler run settles it instead.
          ConditionExpression: Object.keys(names)
            .map((n) => `attribute_exists(${n})`)
            .join(' AND '),
          ExpressionAttributeNames: { ...names, ...intentNames },
          ExpressionAttributeValues: { ':one': 1, ':minus': -abandoned.length },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  return {
    async get(tenantId: string): Promise<PublishState> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(tenantId) }));
      return {
        tenantId,
        contentVersion: (Item?.contentVersion as number) ?? 0,
        publishedVersion: (Item?.publishedVersion as number) ?? 0,
        lease:
          Item?.leaseOwner && Item.leaseExpiresAt
            ? { owner: Item.leaseOwner as string, expiresAt: Item.leaseExpiresAt as string }
            : null,
        lastPublishedAt: (Item?.lastPublishedAt as string) ?? null,
        lastPublishStartedAt: (Item?.lastPublishStartedAt as string) ?? null,
        lastRolloverDay: (Item?.lastRolloverDay as string) ?? null,
        pendingSince:
          pendingOf(Item)
            .map((p) => p.at)
            .sort()[0] ?? null,
      };
    },

    /**
     * Records a write in flight before its first store write, and puts the tenant in the STALE
     * index: if the writer dies before `endWrite`, the reconciler still finds the tenant and, once
     * the write is older than `abandonedWriteMs`, settles it with a bump (see `listStale`). A delete
     * passes its audit event (`deleteAudit`): settling records it if the target is gone.
     */
    async beginWrite(tenantId: string, operationId: string, deleteAudit?: AuditEvent): Promise<void> {
      await db.doc
        .send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: `SET #p = :now, #type = :type, tenantId = :tenant, gsi2pk = :stale, gsi2sk = :fresh${deleteAudit ? ', #i = :intent' : ''} ADD pendingWrites :one`,
            ConditionExpression: 'attribute_not_exists(#p)',
            ExpressionAttributeNames: {
              '#p': pendingName(operationId),
              '#type': 'type',
              ...(deleteAudit ? { '#i': intentName(operationId) } : {}),
            },
            ExpressionAttributeValues: {
              ':now': db.now().toISOString(),
              ':type': itemTypes.publish,
              ':tenant': tenantId,
              ':stale': stalePartition,
              ':fresh': staleSortKey(tenantId, null),
              ':one': 1,
              ...(deleteAudit ? { ':intent': deleteAudit } : {}),
            },
          }),
        )
        .catch((error: unknown) => {
          // The same operation retried (same Idempotency-Key): its marker is already there.
          if (!isConditionalFailure(error)) throw error;
        });
    },

    /**
     * Ends a write begun with `beginWrite`. With `changed`, bumps contentVersion in the same write
     * (the page must show it) and returns the new version; without, only clears the marker.
     */
    async endWrite(tenantId: string, operationId: string, changed: boolean): Promise<number | null> {
      const names = { '#p': pendingName(operationId), '#i': intentName(operationId) };
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: `REMOVE #p, #i ADD pendingWrites :minus${changed ? ', contentVersion :one' : ''}`,
            ConditionExpression: 'attribute_exists(#p)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':minus': -1, ...(changed ? { ':one': 1 } : {}) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        if (!changed) await leaveStaleIfCurrent(tenantId);
        return changed ? (Attributes?.contentVersion as number) : null;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      // The reconciler settled this write already (it looked abandoned); a bump still publishes it.
      return changed ? this.bumpContentVersion(tenantId) : null;
    },

    /** Bumps and returns the new content version. */
    async bumpContentVersion(tenantId: string): Promise<number> {
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(tenantId),
          UpdateExpression:
            'ADD contentVersion :one SET #type = :type, tenantId = :tenant, gsi2pk = :stale, gsi2sk = :fresh',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':type': itemTypes.publish,
            ':tenant': tenantId,
            ':stale': stalePartition,
            ':fresh': staleSortKey(tenantId, null),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.contentVersion as number;
    },

    /** Takes the lease if it is free or expired. False when someone else holds a live lease. */
    async acquireLease(tenantId: string, owner: string, ttlMs: number): Promise<boolean> {
      const now = db.now();
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: 'SET leaseOwner = :owner, leaseExpiresAt = :exp, lastPublishStartedAt = :now',
            ConditionExpression: 'attribute_not_exists(leaseOwner) OR leaseExpiresAt < :now OR leaseOwner = :owner',
            ExpressionAttributeValues: {
              ':owner': owner,
              ':exp': new Date(now.getTime() + ttlMs).toISOString(),
              ':now': now.toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },

    async renewLease(tenantId: string, owner: string, ttlMs: number): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: 'SET leaseExpiresAt = :exp',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner, ':exp': new Date(db.now().getTime() + ttlMs).toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },

    /** Releases the lease if `owner` still holds it; a no-op otherwise. */
    async releaseLease(tenantId: string, owner: string): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: 'REMOVE leaseOwner, leaseExpiresAt',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },

    /**
     * Records `version` as published. Only ever grows: an older or equal version is refused
     * (returns false). Leaves the STALE index once nothing newer is waiting.
     */
    async commitPublished(tenantId: string, version: number): Promise<boolean> {
      const now = db.now().toISOString();
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: 'SET publishedVersion = :v, lastPublishedAt = :now',
            ConditionExpression:
              '(attribute_not_exists(publishedVersion) OR publishedVersion < :v) AND contentVersion >= :v',
            ExpressionAttributeValues: { ':v': version, ':now': now },
          }),
        );
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
      await leaveStaleIfCurrent(tenantId);
      return true;
    },

    /**
     * Records that the reconciler started a publish for a stale tenant: it moves behind every tenant
     * not yet retried, so tenants that keep failing can never starve the others.
     */
    async markReconcileAttempt(tenantId: string): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression: 'SET gsi2sk = :attempt',
            ConditionExpression: 'gsi2pk = :stale',
            ExpressionAttributeValues: {
              ':attempt': staleSortKey(tenantId, db.now().toISOString()),
              ':stale': stalePartition,
            },
          }),
        );
      } catch (error) {
        // Published meanwhile: it left the index, nothing to mark.
        if (!isConditionalFailure(error)) throw error;
      }
    },

    /**
     * Tenants with unpublished content (contentVersion > publishedVersion), those never retried by
     * the reconciler since their last change first, then the least recently retried. Writes abandoned
     * mid-way (older than `abandonedWriteMs`) are settled first, so what they stored counts as new.
     */
    async listStale(limit = 100): Promise<PublishState[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :stale',
          ExpressionAttributeValues: { ':stale': stalePartition },
          Limit: limit,
        }),
      );
      const cutoff = new Date(db.now().getTime() - abandonedWriteMs).toISOString();
      const states = await Promise.all(
        Items.map(async (item) => {
          const state = await this.get(item.tenantId as string);
          if (state.pendingSince === null || state.pendingSince >= cutoff) return state;
          await settleAbandoned(state.tenantId, cutoff);
          return this.get(state.tenantId);
        }),
      );
      return states.filter((s) => s.contentVersion > s.publishedVersion);
    },

    /**
     * Claims today's rollover publish for a tenant and bumps its contentVersion in the same write,
     * returning the new version exactly once per tenant per day (null after that). One item, one
     * write: a crash after the claim cannot lose the day's publish, the reconciler sees it as stale.
     */
    async claimRollover(tenantId: string, day: string): Promise<number | null> {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId),
            UpdateExpression:
              'ADD contentVersion :one SET lastRolloverDay = :day, tenantId = :tenant, #type = :type, gsi2pk = :stale, gsi2sk = :fresh',
            ConditionExpression: 'attribute_not_exists(lastRolloverDay) OR lastRolloverDay < :day',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':day': day,
              ':tenant': tenantId,
              ':type': itemTypes.publish,
              ':stale': stalePartition,
              ':fresh': staleSortKey(tenantId, null),
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Attributes?.contentVersion as number;
      } catch (error) {
        if (isConditionalFailure(error)) return null;
        throw error;
      }
    },
  };
}
