import { createHash, createHmac } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  AppError,
  type Delivery,
  type DeliveryState,
  defaultNotificationSettings,
  type NotificationSettings,
  notFound,
  type Subscriber,
  type SubscriberChannel,
  type SubscriptionScope,
  webhookFailureLimit,
} from '@upstate/core';
import { type Db, type Page, strip } from './db.ts';
import { conditional, isConditionalFailure } from './errors.ts';
import {
  deliveryKey,
  deliveryMessageKey,
  deliveryPartition,
  itemTypes,
  notificationSettingsKey,
  notifyEntryKey,
  notifyEntryPartition,
  subscriberKey,
  subscriberTargetKey,
  subscriberTokenKey,
  suppressionKey,
  tenantPartition,
} from './keys.ts';

/**
 * A target (address or URL) as a per-tenant hash: uniqueness, suppression and search by exact
 * address work without the address in any key, and one tenant's hashes say nothing about another's.
 */
export const targetHash = (tenantId: string, target: string) =>
  createHash('sha256').update(`${tenantId}\n${target.trim().toLowerCase()}`).digest('hex');

/**
 * The reader's link token (confirm, manage, unsubscribe) of a subscriber: derived from a platform
 * secret, so every message can carry it without the store keeping it; stored only as a hash for lookup.
 * Rotating the secret invalidates every link.
 */
export const linkToken = (secret: string, tenantId: string, subscriberId: string) =>
  createHmac('sha256', secret).update(`${tenantId}\n${subscriberId}`).digest('base64url');

/** The stored form of a link token (like API keys, only the hash is kept). */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const subscriberPrefix = 'SUBSCRIBER#';
const maxPage = 1000;

export function subscribersRepo(db: Db) {
  const targetClaim = (s: Pick<Subscriber, 'tenantId' | 'channel' | 'target'>) =>
    subscriberTargetKey(s.tenantId, s.channel, targetHash(s.tenantId, s.target));
  return {
    /**
     * Claims the (channel, target) pair, then writes the subscriber and its token. A crash after the
     * claim leaves a claim naming a missing subscriber: `getByTarget` ignores it and `create` takes it over.
     */
    async create(subscriber: Subscriber, linkTokenHash: string): Promise<Subscriber> {
      const claim = targetClaim(subscriber);
      const existing = await this.getByTarget(subscriber.tenantId, subscriber.channel, subscriber.target);
      if (existing) {
        throw new AppError('conflict', 'This address is already subscribed', { field: 'target' });
      }
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...claim, type: itemTypes.subscriberTarget, subscriberId: subscriber.id },
        }),
      );
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...subscriberKey(subscriber.tenantId, subscriber.id),
            type: itemTypes.subscriber,
            ...subscriber,
            tokenHash: linkTokenHash,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...subscriberTokenKey(linkTokenHash),
            type: itemTypes.subscriberToken,
            tenantId: subscriber.tenantId,
            subscriberId: subscriber.id,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return subscriber;
    },
    async get(tenantId: string, id: string): Promise<Subscriber | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: subscriberKey(tenantId, id) }));
      if (!Item) return undefined;
      const { tokenHash: _token, ...rest } = strip<Subscriber & { tokenHash: string }>(Item) as Subscriber & {
        tokenHash: string;
      };
      return rest;
    },
    async require(tenantId: string, id: string): Promise<Subscriber> {
      const found = await this.get(tenantId, id);
      if (!found) throw notFound('Subscriber');
      return found;
    },
    async getByTarget(tenantId: string, channel: SubscriberChannel, target: string): Promise<Subscriber | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: targetClaim({ tenantId, channel, target }) }),
      );
      return Item ? this.get(tenantId, Item.subscriberId as string) : undefined;
    },
    /** The link lookup: by token hash, across tenants by design (the link carries only the token). */
    async getByToken(linkTokenHash: string): Promise<Subscriber | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: subscriberTokenKey(linkTokenHash) }),
      );
      return Item ? this.get(Item.tenantId as string, Item.subscriberId as string) : undefined;
    },
    /** pending → confirmed, once; confirming twice answers the confirmed subscriber. */
    async confirm(tenantId: string, id: string): Promise<Subscriber> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: subscriberKey(tenantId, id),
            UpdateExpression: 'SET #status = :confirmed, confirmedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':confirmed': 'confirmed',
              ':pending': 'pending',
              ':now': db.now().toISOString(),
            },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      return this.require(tenantId, id);
    },
    async setScope(tenantId: string, id: string, scope: SubscriptionScope): Promise<Subscriber> {
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: subscriberKey(tenantId, id),
              UpdateExpression: 'SET #scope = :scope',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#scope': 'scope' },
              ExpressionAttributeValues: { ':scope': scope },
            }),
          ),
        'The subscriber is gone',
        'id',
      );
      return this.require(tenantId, id);
    },
    /**
     * Deletes the subscriber first (fan-out stops seeing it at once), then its token and target claim.
     * A crash in between leaves a token or claim naming a missing subscriber, which every lookup ignores.
     */
    async remove(tenantId: string, id: string): Promise<boolean> {
      const { Attributes } = await db.doc.send(
        new DeleteCommand({ TableName: db.table, Key: subscriberKey(tenantId, id), ReturnValues: 'ALL_OLD' }),
      );
      if (!Attributes) return false;
      const old = Attributes as Subscriber & { tokenHash: string };
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: subscriberTokenKey(old.tokenHash) }));
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: targetClaim(old) }));
      return true;
    },
    /** A webhook delivery outcome: success resets the count; the limit-th failure in a row disables it. */
    async recordOutcome(tenantId: string, id: string, ok: boolean): Promise<{ disabled: boolean }> {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: subscriberKey(tenantId, id),
            UpdateExpression: ok ? 'SET failures = :zero' : 'ADD failures :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: ok ? { ':zero': 0 } : { ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        if (!ok && (Attributes?.failures as number) >= webhookFailureLimit && !Attributes?.disabledAt) {
          await db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: subscriberKey(tenantId, id),
              UpdateExpression: 'SET disabledAt = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':now': db.now().toISOString() },
            }),
          );
          return { disabled: true };
        }
        return { disabled: false };
      } catch (error) {
        if (isConditionalFailure(error)) return { disabled: false };
        throw error;
      }
    },
    async enable(tenantId: string, id: string): Promise<Subscriber> {
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: subscriberKey(tenantId, id),
              UpdateExpression: 'SET failures = :zero REMOVE disabledAt',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':zero': 0 },
            }),
          ),
        'The subscriber is gone',
        'id',
      );
      return this.require(tenantId, id);
    },
    /** Oldest first, paged with a tenant-bound cursor (the tenant API and the export). */
    async list(tenantId: string, options: { limit?: number; cursor?: string | null } = {}): Promise<Page<Subscriber>> {
      const { Items = [], LastEvaluatedKey } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':prefix': subscriberPrefix },
          Limit: Math.min(options.limit ?? 50, maxPage),
          ExclusiveStartKey: db.cursors.decode(tenantId, 'subscribers', options.cursor),
        }),
      );
      return {
        items: Items.map((i) => {
          const { tokenHash: _t, ...rest } = strip<Subscriber & { tokenHash: string }>(i) as Subscriber & {
            tokenHash: string;
          };
          return rest;
        }),
        nextCursor: db.cursors.encode(tenantId, 'subscribers', LastEvaluatedKey),
      };
    },
    /** Counts by status, reading keys and status only. */
    async count(tenantId: string): Promise<{ total: number; confirmed: number; pending: number }> {
      const counts = { total: 0, confirmed: 0, pending: 0 };
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':prefix': subscriberPrefix },
            ProjectionExpression: '#status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          counts.total++;
          if (item.status === 'confirmed') counts.confirmed++;
          else counts.pending++;
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return counts;
    },
    /**
     * Splits the tenant's subscribers into ranges of about `size` ids by reading keys only, so the
     * notify workflow's Map can carry ranges (two ids each) instead of cursors or subscribers.
     * A range is `(after, until]`; null ends are open. Subscribers added meanwhile fall into a range too.
     */
    async ranges(tenantId: string, size: number): Promise<{ after: string | null; until: string | null }[]> {
      const bounds: string[] = [];
      let start: Record<string, unknown> | undefined;
      let seen = 0;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':prefix': subscriberPrefix },
            ProjectionExpression: 'sk',
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          seen++;
          if (seen % size === 0) bounds.push((item.sk as string).slice(subscriberPrefix.length));
        }
        start = page.LastEvaluatedKey;
      } while (start);
      if (seen === 0) return [];
      const ranges: { after: string | null; until: string | null }[] = [];
      let after: string | null = null;
      for (const bound of bounds) {
        ranges.push({ after, until: bound });
        after = bound;
      }
      if (seen % size !== 0 || ranges.length === 0) ranges.push({ after, until: null });
      return ranges;
    },
    /** The subscribers of one range, every page of it (a range is about one Map item's worth). */
    async inRange(tenantId: string, range: { after: string | null; until: string | null }): Promise<Subscriber[]> {
      const out: Subscriber[] = [];
      let start: Record<string, unknown> | undefined;
      const low = `${subscriberPrefix}${range.after ?? ''}`;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            KeyConditionExpression: range.until ? 'pk = :pk AND sk BETWEEN :low AND :high' : 'pk = :pk AND sk > :low',
            ExpressionAttributeValues: {
              ':pk': tenantPartition(tenantId),
              ':low': range.after ? `${low}\u0000` : low,
              ...(range.until ? { ':high': `${subscriberPrefix}${range.until}` } : {}),
            },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          if (!(item.sk as string).startsWith(subscriberPrefix)) continue;
          const { tokenHash: _t, ...rest } = strip<Subscriber & { tokenHash: string }>(item) as Subscriber & {
            tokenHash: string;
          };
          out.push(rest);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}

export type DeliveryRef = Pick<Delivery, 'tenantId' | 'entryKey' | 'subscriberId' | 'channel'>;

export function deliveriesRepo(db: Db) {
  const key = (d: DeliveryRef) => deliveryKey(d.tenantId, d.entryKey, d.subscriberId, d.channel);
  return {
    /**
     * The exactly-once gate: the first claim of (entry, subscriber, channel) wins, and holds its first
     * attempt (`attempts: 1`). A claim that already exists is returned instead, so the caller can tell
     * "sent already" from "claimed but never sent" (then `beginAttempt` takes the next attempt).
     */
    async claim(
      ref: DeliveryRef,
      run: string,
    ): Promise<{ claimed: true; delivery: Delivery } | { claimed: false; delivery: Delivery }> {
      const now = db.now().toISOString();
      const delivery: Delivery = {
        ...ref,
        state: 'queued',
        attempts: 1,
        run,
        messageId: null,
        reason: null,
        queuedAt: now,
        updatedAt: now,
      };
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...key(ref), type: itemTypes.delivery, ...delivery },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { claimed: true, delivery };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const existing = await this.get(ref);
      if (!existing) throw new Error('delivery claim vanished');
      return { claimed: false, delivery: existing };
    },
    async get(ref: DeliveryRef): Promise<Delivery | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(ref) }));
      return strip<Delivery>(Item);
    },
    /**
     * Takes the next attempt of a queued delivery: only one caller moves `attempts` from the value it
     * read, so two retries of the same task never both send. Another run's claim is taken over only once
     * it has been idle for `staleMs` (its sender died), never while it may still be sending.
     */
    async beginAttempt(ref: DeliveryRef, seenAttempts: number, run: string, staleMs = 10 * 60_000): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(ref),
            UpdateExpression: 'SET attempts = :next, run = :run, updatedAt = :now',
            ConditionExpression:
              'attribute_exists(pk) AND #state = :queued AND attempts = :seen AND (run = :run OR updatedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':next': seenAttempts + 1,
              ':seen': seenAttempts,
              ':queued': 'queued',
              ':run': run,
              ':now': db.now().toISOString(),
              ':stale': new Date(db.now().getTime() - staleMs).toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    /** Records the outcome; `sent` also indexes the SES message id (gsi2) for bounce and complaint events. */
    async settle(
      ref: DeliveryRef,
      state: Exclude<DeliveryState, 'queued'> | 'queued',
      detail: { messageId?: string | null; reason?: string | null } = {},
    ): Promise<void> {
      const indexed = Boolean(detail.messageId && state === 'sent');
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(ref),
          UpdateExpression: `SET #state = :state, messageId = :messageId, reason = :reason, updatedAt = :now${indexed ? ', gsi2pk = :msg, gsi2sk = :msgSk' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':messageId': detail.messageId ?? null,
            ':reason': detail.reason ?? null,
            ':now': db.now().toISOString(),
            ...(indexed ? { ':msg': deliveryMessageKey(detail.messageId as string).pk, ':msgSk': 'SESMSG' } : {}),
          },
        }),
      );
    },
    /**
     * Records many outcomes at once: BatchWriteItem, 25 per call, unprocessed items resent. Each record is
     * the caller's whole delivery as it holds it (the claim and the attempt it took), so the item written
     * equals what `settle` would leave. Only for deliveries whose attempt the caller holds: a batch has no
     * condition, which is why claims never go through it.
     */
    async settleMany(
      records: readonly {
        delivery: Delivery;
        state: Exclude<DeliveryState, 'queued'>;
        messageId?: string | null;
        reason?: string | null;
      }[],
    ): Promise<void> {
      const now = db.now().toISOString();
      const items = records.map((r) => {
        const indexed = Boolean(r.messageId && r.state === 'sent');
        const delivery: Delivery = {
          ...r.delivery,
          state: r.state,
          messageId: r.messageId ?? null,
          reason: r.reason ?? null,
          updatedAt: now,
        };
        return {
          PutRequest: {
            Item: {
              ...key(r.delivery),
              type: itemTypes.delivery,
              ...delivery,
              ...(indexed ? { gsi2pk: deliveryMessageKey(r.messageId as string).pk, gsi2sk: 'SESMSG' } : {}),
            },
          },
        };
      });
      for (let i = 0; i < items.length; i += 25) {
        let pending: typeof items | undefined = items.slice(i, i + 25);
        for (let round = 0; pending?.length; round++) {
          if (round > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** Math.min(round, 6)));
          const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
          pending = res.UnprocessedItems?.[db.table] as typeof items | undefined;
        }
      }
    },
    async byMessageId(messageId: string): Promise<DeliveryRef | undefined> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': deliveryMessageKey(messageId).pk },
          Limit: 1,
        }),
      );
      const found = strip<Delivery>(Items[0]);
      return found
        ? {
            tenantId: found.tenantId,
            entryKey: found.entryKey,
            subscriberId: found.subscriberId,
            channel: found.channel,
          }
        : undefined;
    },
    /** The delivery log of one notification. */
    async listForEntry(
      tenantId: string,
      entryKey: string,
      options: { limit?: number; cursor?: string | null } = {},
    ): Promise<Page<Delivery>> {
      const { Items = [], LastEvaluatedKey } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': deliveryPartition(tenantId, entryKey) },
          Limit: Math.min(options.limit ?? 100, maxPage),
          ExclusiveStartKey: db.cursors.decode(tenantId, `deliveries:${entryKey}`, options.cursor),
        }),
      );
      return {
        items: Items.map((i) => strip<Delivery>(i) as Delivery),
        nextCursor: db.cursors.encode(tenantId, `deliveries:${entryKey}`, LastEvaluatedKey),
      };
    },
  };
}

export function suppressionsRepo(db: Db) {
  return {
    /** Keeps only the hash: unsubscribing or bouncing deletes the address, the hash stops a re-send. */
    async add(tenantId: string, hash: string, reason: 'unsubscribed' | 'bounced' | 'complained'): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...suppressionKey(tenantId, hash), type: itemTypes.suppression, reason, at: db.now().toISOString() },
        }),
      );
    },
    async has(tenantId: string, hash: string): Promise<boolean> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: suppressionKey(tenantId, hash) }));
      return Boolean(Item);
    },
    async remove(tenantId: string, hash: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: suppressionKey(tenantId, hash) }));
    },
    /** Which of these hashes are suppressed: one BatchGetItem per 100, so a fan-out range costs one read. */
    async whichOf(tenantId: string, hashes: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      const unique = [...new Set(hashes)];
      for (let i = 0; i < unique.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = unique
          .slice(i, i + 100)
          .map((h) => suppressionKey(tenantId, h));
        while (keys?.length) {
          const res = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.table]: { Keys: keys } } }));
          for (const item of res.Responses?.[db.table] ?? []) found.add(item.sk as string);
          keys = res.UnprocessedKeys?.[db.table]?.Keys as Record<string, unknown>[] | undefined;
        }
      }
      return found;
    },
  };
}

/** One published timeline entry the notify workflow fans out, with what every message needs. */
export interface NotifyEntry {
  tenantId: string;
  /** `incident_update#{updateId}` or `maintenance_update#{updateId}` (the same entry never gets a second key). */
  entryKey: string;
  /** `component`: a status change outside an incident (`component_update#{change id}`). */
  kind: 'incident' | 'maintenance' | 'component';
  /** JSON of the published Statuspage v2 incident (or maintenance) as the page shows it; for a component, `{ component, component_update }`. */
  payload: string;
  /** JSON of `{ indicator, description }` of the page at publish. */
  pageStatus: string;
  /** Components the entry affects (scope matching); empty when it names none. */
  componentIds: string[];
  componentChange: boolean;
  run: string;
  claimedAt: string;
  completedAt: string | null;
}

export function notifyEntriesRepo(db: Db) {
  return {
    /**
     * Claims the fan-out of an entry for `run`. Another run's claim is respected unless it is older
     * than `staleMs` and not completed (that run died: this one resumes it; delivery claims keep it once).
     * The same run claims again freely, so a repeated or retried run resumes its own fan-out.
     */
    async claim(entry: Omit<NotifyEntry, 'claimedAt' | 'completedAt'>, staleMs: number): Promise<boolean> {
      const now = db.now();
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...notifyEntryKey(entry.tenantId, entry.entryKey),
              type: itemTypes.notifyEntry,
              ...entry,
              claimedAt: now.toISOString(),
              completedAt: null,
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR (run = :run AND completedAt = :null) OR (completedAt = :null AND claimedAt < :stale)',
            ExpressionAttributeValues: {
              ':run': entry.run,
              ':null': null,
              ':stale': new Date(now.getTime() - staleMs).toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    async get(tenantId: string, entryKey: string): Promise<NotifyEntry | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: notifyEntryKey(tenantId, entryKey) }),
      );
      return strip<NotifyEntry>(Item);
    },
    async complete(tenantId: string, entryKey: string): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: notifyEntryKey(tenantId, entryKey),
          UpdateExpression: 'SET completedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': db.now().toISOString() },
        }),
      );
    },
    /** Newest entries first (entry keys embed ULIDs of updates, which sort by time). */
    async list(tenantId: string, options: { limit?: number; cursor?: string | null } = {}): Promise<Page<NotifyEntry>> {
      const { Items = [], LastEvaluatedKey } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': notifyEntryPartition(tenantId) },
          ScanIndexForward: false,
          Limit: Math.min(options.limit ?? 25, 100),
          ExclusiveStartKey: db.cursors.decode(tenantId, 'notifications', options.cursor),
        }),
      );
      return {
        items: Items.map((i) => strip<NotifyEntry>(i) as NotifyEntry),
        nextCursor: db.cursors.encode(tenantId, 'notifications', LastEvaluatedKey),
      };
    },
  };
}

export function notificationSettingsRepo(db: Db) {
  return {
    async get(tenantId: string): Promise<NotificationSettings> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: notificationSettingsKey(tenantId) }),
      );
      if (!Item) return defaultNotificationSettings;
      const { senderName, replyTo, reminderMinutes } = Item as NotificationSettings;
      return { senderName, replyTo, reminderMinutes };
    },
    /** One item, replaced whole: the settings have no invariant spanning other items. */
    async put(tenantId: string, settings: NotificationSettings): Promise<NotificationSettings> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...notificationSettingsKey(tenantId), type: itemTypes.notificationSettings, ...settings },
        }),
      );
      return settings;
    },
  };
}
