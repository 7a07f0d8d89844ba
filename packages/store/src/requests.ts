import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiKeyScope, AppError, type Permission } from '@upstate/core';
import { type Db, epochSeconds, strip } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import { idempotencyKey, itemTypes, rateLimitKey } from './keys.ts';

export const idempotencyTtlSeconds = 24 * 3600;

/** A claim still pending this long is abandoned (no request runs longer; Lambda's limit is 30 s). */
export const abandonedClaimSeconds = 60;

export interface IdempotencyRecord {
  fingerprint: string;
  state: 'pending' | 'done' | 'failed';
  /** The use case's operation id: a retry after a failure reuses it (ids of what it creates derive from it). */
  operationId?: string;
  status: number | null;
  body: string | null;
  contentType: string | null;
  /** Response fields withheld from the stored copy because they held a secret. */
  redacted?: string[];
  /** The scope the route demanded; a replay is authorised against it first. */
  scope?: Permission | null;
  expiresAt: number;
}

export function idempotencyRepo(db: Db) {
  return {
    /**
     * Claims `key` for a request. `owned` when this request may run: a fresh key (or an expired
     * one, dynalite has no TTL) takes `operationId`; a key whose earlier attempt failed (5xx) is
     * taken again with that attempt's operation id, so the retry finishes the same operation instead
     * of starting a second one. Otherwise the earlier record (in progress or done).
     */
    async claim(
      tenantId: string,
      key: string,
      fingerprint: string,
      operationId: string,
    ): Promise<{ owned: true; operationId: string; resumed: boolean } | { owned: false; record: IdempotencyRecord }> {
      const now = epochSeconds(db.now());
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...idempotencyKey(tenantId, key),
              type: itemTypes.idempotency,
              fingerprint,
              state: 'pending',
              status: null,
              body: null,
              contentType: null,
              operationId,
              claimedAt: now,
              expiresAt: now + idempotencyTtlSeconds,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return { owned: true, operationId, resumed: false };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: idempotencyKey(tenantId, key),
            UpdateExpression: 'SET #state = :pending, claimedAt = :now',
            // An attempt still pending after `abandonedClaimSeconds` died without answering (a crashed
            // or timed-out Lambda): its retry takes over, like a failed one.
            ConditionExpression:
              'fingerprint = :fp AND (#state = :failed OR (#state = :pending AND claimedAt < :abandoned))',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':failed': 'failed',
              ':fp': fingerprint,
              ':now': now,
              ':abandoned': now - abandonedClaimSeconds,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return {
          owned: true,
          operationId: (Attributes?.operationId as string | undefined) ?? operationId,
          resumed: true,
        };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: idempotencyKey(tenantId, key), ConsistentRead: true }),
      );
      const record = strip<IdempotencyRecord>(Item);
      if (!record) return { owned: true, operationId, resumed: false };
      if (record.fingerprint !== fingerprint) {
        throw new AppError('idempotency_conflict', 'This Idempotency-Key was used with a different request', {
          field: 'Idempotency-Key',
        });
      }
      return { owned: false, record };
    },
    async complete(
      tenantId: string,
      key: string,
      response: {
        status: number;
        body: string;
        contentType: string;
        redacted?: string[];
        scope?: IdempotencyRecord['scope'];
      },
    ): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: idempotencyKey(tenantId, key),
          UpdateExpression:
            'SET #state = :done, #status = :status, body = :body, contentType = :ct, redacted = :redacted, #scope = :scope',
          ExpressionAttributeNames: { '#state': 'state', '#status': 'status', '#scope': 'scope' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':status': response.status,
            ':body': response.body,
            ':ct': response.contentType,
            ':redacted': response.redacted ?? [],
            ':scope': response.scope ?? null,
          },
        }),
      );
    },
    /**
     * A request that failed (5xx) hands its key back for a retry, keeping its operation id: what
     * the failed attempt stored is finished by the retry, never written a second time.
     */
    async release(tenantId: string, key: string): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: idempotencyKey(tenantId, key),
          UpdateExpression: 'SET #state = :failed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed' },
        }),
      );
    },
  };
}

export function rateLimitsRepo(db: Db) {
  return {
    /**
     * Fixed one-minute windows counted with ADD in DynamoDB, so every Lambda instance shares
     * the count. Returns whether the call is allowed and when the window resets.
     */
    async hit(
      subject: string,
      limitPerMinute: number,
    ): Promise<{ allowed: boolean; retryAfter: number; count: number }> {
      const nowMs = db.now().getTime();
      const window = Math.floor(nowMs / 60_000);
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * 60_000 - nowMs) / 1000));
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: rateLimitKey(subject, window),
          UpdateExpression: 'ADD #count :one SET expiresAt = :exp, #type = :type',
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':exp': (window + 2) * 60, ':type': itemTypes.rateLimit },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const count = (Attributes?.count as number) ?? 1;
      return { allowed: count <= limitPerMinute, retryAfter, count };
    },
  };
}
