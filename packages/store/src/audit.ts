import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Author, newId } from '@upstate/core';
import { type Db, type Page, strip } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import { auditKey, auditPartition, itemTypes } from './keys.ts';

export interface AuditEvent {
  id: string;
  tenantId: string;
  at: string;
  author: Author;
  /** e.g. `incident.created`, `component.status_changed`, `api_key.revoked`. */
  action: string;
  target: { type: string; id: string };
  /** Small structured detail (old → new); never a secret. */
  detail: Record<string, unknown>;
}

// Append-only: events are written with attribute_not_exists and never updated or deleted.
export function auditRepo(db: Db) {
  return {
    /**
     * Appends an event. With `id` and `at` given (a use case retried under one Idempotency-Key), the
     * same event is recorded once: a second append of it is a no-op.
     */
    async append(event: Omit<AuditEvent, 'id' | 'at'> & { at?: string; id?: string }): Promise<AuditEvent> {
      const at = event.at ?? db.now().toISOString();
      const full: AuditEvent = { ...event, id: event.id ?? newId(Date.parse(at)), at };
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...auditKey(event.tenantId, at, full.id), type: itemTypes.audit, ...full },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(event.id !== undefined && isConditionalFailure(error))) throw error;
      }
      return full;
    },
    /**
     * Newest first, paged. `authorId` filters to one person or key; the filter runs after the page
     * is read, so a filtered page can hold fewer than `limit` entries (follow `nextCursor`).
     */
    async list(
      tenantId: string,
      options: { limit?: number; cursor?: string | null; authorId?: string } = {},
    ): Promise<Page<AuditEvent>> {
      const { Items = [], LastEvaluatedKey } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk',
          ...(options.authorId ? { FilterExpression: 'author.id = :author' } : {}),
          ExpressionAttributeValues: {
            ':pk': auditPartition(tenantId),
            ...(options.authorId ? { ':author': options.authorId } : {}),
          },
          ScanIndexForward: false,
          Limit: options.limit ?? 50,
          ExclusiveStartKey: db.cursors.decode(tenantId, 'audit', options.cursor),
        }),
      );
      return {
        items: Items.map((i) => strip<AuditEvent>(i) as AuditEvent),
        nextCursor: db.cursors.encode(tenantId, 'audit', LastEvaluatedKey),
      };
    },
  };
}
