import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { itemTypes, provisioningKey, provisioningQueue } from './keys.ts';

/** A page domain the CDN does not serve yet because provisioning it failed; retried until it succeeds. */
export interface PendingProvisioning {
  tenantId: string;
  domain: string;
  attempts: number;
  lastError: string;
  firstFailedAt: string;
  lastAttemptAt: string;
}

const view = (item: Record<string, unknown>): PendingProvisioning => ({
  tenantId: String(item.tenantId),
  domain: String(item.domain),
  attempts: Number(item.attempts),
  lastError: String(item.lastError),
  firstFailedAt: String(item.firstFailedAt),
  lastAttemptAt: String(item.lastAttemptAt),
});

// One item per (tenant, domain) in one queue partition: a failure is recorded with a single
// UpdateItem (dynalite has no transactions), and a success deletes it.
export function provisioningRepo(db: Db) {
  return {
    /** Records a failed attempt (the first one creates the entry). */
    async recordFailure(tenantId: string, domain: string, error: string): Promise<void> {
      const at = db.now().toISOString();
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: provisioningKey(tenantId, domain),
          UpdateExpression:
            'SET #type = :type, tenantId = :tenantId, #domain = :domain, lastError = :error, lastAttemptAt = :at, firstFailedAt = if_not_exists(firstFailedAt, :at) ADD attempts :one',
          ExpressionAttributeNames: { '#type': 'type', '#domain': 'domain' },
          ExpressionAttributeValues: {
            ':type': itemTypes.provisioning,
            ':tenantId': tenantId,
            ':domain': domain.toLowerCase(),
            // Bounded: an SDK error message is short, but nothing unbounded goes into an item.
            ':error': error.slice(0, 500),
            ':at': at,
            ':one': 1,
          },
        }),
      );
    },
    async resolve(tenantId: string, domain: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: provisioningKey(tenantId, domain) }));
    },
    /** The oldest-keyed pending entries, across tenants (the reconciler's work list). */
    async listPending(limit = 100): Promise<PendingProvisioning[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': provisioningQueue },
          Limit: limit,
        }),
      );
      return Items.map(view);
    },
    /** A tenant's own pending entries (shown in its dashboard). */
    async listForTenant(tenantId: string): Promise<PendingProvisioning[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tenant)',
          ExpressionAttributeValues: { ':pk': provisioningQueue, ':tenant': `${tenantId}#` },
        }),
      );
      return Items.map(view);
    },
  };
}
