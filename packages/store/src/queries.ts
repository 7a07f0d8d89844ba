import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CursorListing } from './cursor.ts';
import { type Db, strip } from './db.ts';
import { conditional } from './errors.ts';
import { tenantPartition } from './keys.ts';

// The access patterns most repositories share, once: a tenant's items of one type (all of them, or a
// page with a tenant-bound cursor) and the optimistic-concurrency replace.

const byPrefix = (db: Db, tenantId: string, prefix: string) => ({
  TableName: db.table,
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':prefix': prefix },
});

/** Every item of the tenant whose sort key starts with `prefix`, following DynamoDB's pages. */
export async function listByPrefix<T>(db: Db, tenantId: string, prefix: string): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand({ ...byPrefix(db, tenantId, prefix), ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(strip<T>(item) as T);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * One page of the tenant's items whose sort key starts with `prefix`, newest first (ids are
 * time-ordered). The cursor is bound to the tenant and to `listing`, so it works nowhere else.
 */
export async function pageByPrefix<T>(
  db: Db,
  tenantId: string,
  prefix: string,
  listing: CursorListing,
  options: { limit: number; cursor?: string | null | undefined },
): Promise<{ items: T[]; nextCursor: string | null }> {
  const { Items = [], LastEvaluatedKey } = await db.doc.send(
    new QueryCommand({
      ...byPrefix(db, tenantId, prefix),
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: db.cursors.decode(tenantId, listing, options.cursor),
    }),
  );
  return {
    items: Items.map((i) => strip<T>(i) as T),
    nextCursor: db.cursors.encode(tenantId, listing, LastEvaluatedKey),
  };
}

/**
 * Replaces an item that still exists at `expectedVersion` (optimistic concurrency); otherwise a
 * `conflict` on `version` with `message`, which appends retry and a client's If-Match turns into 409.
 */
export async function putIfVersion(
  db: Db,
  item: Record<string, unknown>,
  expectedVersion: number,
  message: string,
): Promise<void> {
  await conditional(
    () =>
      db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: item,
          ConditionExpression: 'attribute_exists(pk) AND version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      ),
    message,
    'version',
  );
}
