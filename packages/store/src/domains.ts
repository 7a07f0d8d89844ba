import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, type CustomDomain, notFound } from '@upstate/core';
import { type Db, strip } from './db.ts';
import { isConditionalFailure } from './errors.ts';
import { domainClaimKey, domainKey, domainsByTenant, itemTypes } from './keys.ts';

// A domain has at most one verified owner (`DOMAIN#d / DOMAIN`, the only item that routes) and any
// number of pending claims, one per tenant (`DOMAIN#d / CLAIM#tenant`). A pending claim blocks
// nobody: whoever first proves the TXT record becomes the owner and every pending claim is dropped.
// An owner item that is not verified is a claim from before per-tenant claims and blocks nobody either.

const verifiedBy = (item: CustomDomain | undefined) => (item?.status === 'verified' ? item.tenantId : undefined);

export const takenError = () =>
  new AppError('conflict', 'This domain is verified by another account', { field: 'domain' });

export function domainsRepo(db: Db) {
  const owner = async (domain: string) => {
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: domainKey(domain), ConsistentRead: true }),
    );
    return strip<CustomDomain>(Item);
  };
  const claimOf = async (tenantId: string, domain: string) => {
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: domainClaimKey(domain, tenantId), ConsistentRead: true }),
    );
    return strip<CustomDomain>(Item);
  };
  const dropClaim = (tenantId: string, domain: string) =>
    db.doc.send(new DeleteCommand({ TableName: db.table, Key: domainClaimKey(domain, tenantId) }));

  return {
    /**
     * Records the tenant's pending claim. 409 when another tenant has verified the domain, or when
     * this tenant already holds it. A verification racing this claim is settled by re-reading the
     * owner after the write: either that read sees the owner, or the winner's claim sweep sees this claim.
     */
    async add(claim: CustomDomain): Promise<CustomDomain> {
      const domain = claim.domain.toLowerCase();
      const current = verifiedBy(await owner(domain));
      if (current === claim.tenantId)
        throw new AppError('conflict', 'You already added this domain', { field: 'domain' });
      if (current) throw takenError();
      const item = { ...claim, domain, status: 'pending' as const, verifiedAt: null };
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...domainClaimKey(domain, claim.tenantId),
              type: itemTypes.domain,
              gsi1pk: domainsByTenant(claim.tenantId),
              gsi1sk: domain,
              ...item,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionalFailure(error))
          throw new AppError('conflict', 'You already added this domain', { field: 'domain' });
        throw error;
      }
      if (verifiedBy(await owner(domain)) !== undefined) {
        await dropClaim(claim.tenantId, domain);
        throw takenError();
      }
      return item;
    },
    /** The tenant's own view of a domain: its verified ownership, else its pending claim. */
    async get(tenantId: string, domain: string): Promise<CustomDomain | undefined> {
      const found = await owner(domain);
      if (found && found.tenantId === tenantId && found.status === 'verified') return found;
      return (await claimOf(tenantId, domain)) ?? (found?.tenantId === tenantId ? found : undefined);
    },
    /** The tenant's domains, verified and pending (a verified one wins over a leftover claim). */
    async list(tenantId: string): Promise<CustomDomain[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': domainsByTenant(tenantId) },
        }),
      );
      const byName = new Map<string, CustomDomain>();
      for (const item of Items.map((i) => strip<CustomDomain>(i) as CustomDomain)) {
        const seen = byName.get(item.domain);
        if (!seen || item.status === 'verified') byName.set(item.domain, item);
      }
      return [...byName.values()];
    },
    /** Who verified the domain, if anyone. */
    verifiedOwner: async (domain: string) => verifiedBy(await owner(domain)),
    /** Notes a failed TXT check on the tenant's pending claim. */
    async markChecked(tenantId: string, domain: string): Promise<CustomDomain> {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: domainClaimKey(domain, tenantId),
            UpdateExpression: 'SET lastCheckedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': db.now().toISOString() },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<CustomDomain>(Attributes) as CustomDomain;
      } catch (error) {
        if (isConditionalFailure(error)) throw notFound('Domain');
        throw error;
      }
    },
    /**
     * Makes the tenant the domain's verified owner, unless another tenant got there first (409,
     * and this tenant's claim is dropped), then drops every pending claim on the domain. A crash
     * before the sweep leaves claims that the next add, verify or list settles.
     */
    async verify(tenantId: string, domain: string): Promise<CustomDomain> {
      const name = domain.toLowerCase();
      const existing = await owner(name);
      if (verifiedBy(existing) === tenantId && existing) return existing;
      const claim = (await claimOf(tenantId, name)) ?? (existing?.tenantId === tenantId ? existing : undefined);
      if (!claim) throw notFound('Domain');
      const now = db.now().toISOString();
      const verified: CustomDomain = { ...claim, status: 'verified', verifiedAt: now, lastCheckedAt: now };
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...domainKey(name),
              type: itemTypes.domain,
              gsi1pk: domainsByTenant(tenantId),
              gsi1sk: name,
              ...verified,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #status <> :verified OR tenantId = :tenant',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':verified': 'verified', ':tenant': tenantId },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        await dropClaim(tenantId, name);
        throw takenError();
      }
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :claim)',
          ExpressionAttributeValues: { ':pk': domainKey(name).pk, ':claim': 'CLAIM#' },
          ConsistentRead: true,
        }),
      );
      for (const item of Items) {
        await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: item.pk, sk: item.sk } }));
      }
      return verified;
    },
    /** Removes the tenant's claim and, if it owns the domain, its ownership. Says whether it was verified. */
    async remove(tenantId: string, domain: string): Promise<{ wasVerified: boolean }> {
      const name = domain.toLowerCase();
      const claim = await claimOf(tenantId, name);
      const owned = await owner(name);
      const wasVerified = verifiedBy(owned) === tenantId;
      let removedOwner = false;
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: domainKey(name),
            ConditionExpression: 'tenantId = :tenant',
            ExpressionAttributeValues: { ':tenant': tenantId },
          }),
        );
        removedOwner = true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      if (claim) await dropClaim(tenantId, name);
      if (!claim && !removedOwner) throw notFound('Domain');
      return { wasVerified };
    },
    /** Routing lookup (edge): across tenants by design, and only for verified domains. */
    async getVerifiedByDomain(domain: string): Promise<CustomDomain | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: domainKey(domain) }));
      const found = strip<CustomDomain>(Item);
      return found?.status === 'verified' ? found : undefined;
    },
  };
}
