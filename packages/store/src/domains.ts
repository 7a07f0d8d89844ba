import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CustomDomain, notFound } from '@upstate/core';
import { type Db, strip } from './db.ts';
import { conditional } from './errors.ts';
import { domainKey, domainsByTenant, itemTypes } from './keys.ts';

// A domain item is keyed by the domain itself, so one domain belongs to at most one tenant.
// A pending claim does not route anything; only `verified` domains are returned for routing.
export function domainsRepo(db: Db) {
  return {
    async add(domain: CustomDomain): Promise<CustomDomain> {
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: {
                ...domainKey(domain.domain),
                type: itemTypes.domain,
                gsi1pk: domainsByTenant(domain.tenantId),
                gsi1sk: domain.domain,
                ...domain,
              },
              // Another tenant's pending claim older than 7 days may be taken over; a verified one never.
              ConditionExpression: 'attribute_not_exists(pk) OR (#status <> :verified AND createdAt < :stale)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':verified': 'verified',
                ':stale': new Date(db.now().getTime() - 7 * 86_400_000).toISOString(),
              },
            }),
          ),
        'This domain is already claimed',
        'domain',
      );
      return domain;
    },
    async get(tenantId: string, domain: string): Promise<CustomDomain | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: domainKey(domain) }));
      const found = strip<CustomDomain>(Item);
      return found && found.tenantId === tenantId ? found : undefined;
    },
    async list(tenantId: string): Promise<CustomDomain[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': domainsByTenant(tenantId) },
        }),
      );
      return Items.map((i) => strip<CustomDomain>(i) as CustomDomain);
    },
    async setStatus(tenantId: string, domain: string, status: CustomDomain['status']): Promise<CustomDomain> {
      const now = db.now().toISOString();
      const { Attributes } = await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: domainKey(domain),
              UpdateExpression: 'SET #status = :s, lastCheckedAt = :now, verifiedAt = :verifiedAt',
              ConditionExpression: 'tenantId = :tenant',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':s': status,
                ':now': now,
                ':tenant': tenantId,
                ':verifiedAt': status === 'verified' ? now : null,
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        'Domain not found',
        'domain',
      ).catch((error) => {
        if ((error as { code?: string }).code === 'conflict') throw notFound('Domain');
        throw error;
      });
      return strip<CustomDomain>(Attributes) as CustomDomain;
    },
    async remove(tenantId: string, domain: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: domainKey(domain),
              ConditionExpression: 'tenantId = :tenant',
              ExpressionAttributeValues: { ':tenant': tenantId },
            }),
          ),
        'Domain not found',
      ).catch((error) => {
        if ((error as { code?: string }).code === 'conflict') throw notFound('Domain');
        throw error;
      });
    },
    /** Routing lookup (edge): across tenants by design, and only for verified domains. */
    async getVerifiedByDomain(domain: string): Promise<CustomDomain | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: domainKey(domain) }));
      const found = strip<CustomDomain>(Item);
      return found?.status === 'verified' ? found : undefined;
    },
  };
}
