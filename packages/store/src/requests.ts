import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiKeyScope, AppError } from '@upstate/core';
import { type Db, epochSeconds, strip } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import { idempotencyKey, itemTypes, rateLimitKey } from './keys.ts';

export const idempotencyTtlSeconds = 24 * 3600;

export interface IdempotencyRecord {
  fingerprint: string;
  state: 'pending' | 'done';
  status: number | null;
  body: string | null;
  contentType: string | null;
  /** Response fields withheld from the stored copy because they held a secret. */
  redacted?: string[];
  /** The scope the route demanded; a replay is authorised against it first. */
  scope?: ApiKeyScope | null;
  expiresAt: number;
}

export function idempotencyRepo(db: Db) {
  return {
    /**
     * Claims `key` for a request. Returns the earlier record when the key was used (within 24 h),
     * or null when this request owns it now. Expired records count as absent (dynalite has no TTL).
     */
    async claim(tenantId: string, key: string, fingerprint: string): Promise<IdempotencyRecord | null> {
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
              expiresAt: now + idempotencyTtlSeconds,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return null;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: idempotencyKey(tenantId, key), ConsistentRead: true }),
      );
      const record = strip<IdempotencyRecord>(Item);
      if (!record) return null;
      if (record.fingerprint !== fingerprint) {
        throw new AppError('idempotency_conflict', 'This Idempotency-Key was used with a different request', {
          field: 'Idempotency-Key',
        });
      }
      return record;
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
    /** A request that failed releases its key so the client can retry. */
    async release(tenantId: string, key: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: idempotencyKey(tenantId, key) }));
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
