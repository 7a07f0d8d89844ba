import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Branding, defaultBranding, notFound, type Tenant } from '@upstate/core';
import { type Db, strip } from './db.ts';
import { conditional, isConditionalFailure } from './errors.ts';
import { itemTypes, slugKey, tenantDirectory, tenantKey } from './keys.ts';

export interface TenantRecord {
  tenant: Tenant;
  branding: Branding;
  version: number;
}

export function tenantsRepo(db: Db) {
  return {
    /**
     * Claims the slug first (conditional), then writes the tenant. Not atomic across the two
     * items: a crash between them leaves a slug claim without a tenant; `create` with the same
     * tenant id re-runs idempotently and completes it.
     */
    async create(tenant: Tenant, branding: Branding = defaultBranding): Promise<TenantRecord> {
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { ...slugKey(tenant.slug), type: itemTypes.slug, tenantId: tenant.id },
              ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :id',
              ExpressionAttributeValues: { ':id': tenant.id },
            }),
          ),
        `The page address "${tenant.slug}" is taken`,
        'slug',
      );
      const record: TenantRecord = { tenant, branding, version: 1 };
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              // gsi2 TENANTS: the directory of every tenant (update() never rewrites the item, so it stays).
              Item: {
                ...tenantKey(tenant.id),
                type: itemTypes.tenant,
                ...record,
                gsi2pk: tenantDirectory,
                gsi2sk: tenant.id,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        'Tenant already exists',
      );
      return record;
    },

    /**
     * Holds a slug for a sign-up that is not verified yet. One conditional put: the slug must be
     * free or held by a pending claim that lapsed. `create` with the same tenant id turns it into
     * the tenant's slug. Returns false when the slug is taken.
     */
    async claimSlug(slug: string, tenantId: string, pendingUntil: number): Promise<boolean> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...slugKey(slug), type: itemTypes.slug, tenantId, pendingUntil },
            ConditionExpression: 'attribute_not_exists(pk) OR pendingUntil < :now',
            ExpressionAttributeValues: { ':now': Math.floor(db.now().getTime() / 1000) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },

    async get(tenantId: string): Promise<TenantRecord | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: tenantKey(tenantId) }));
      const record = strip<TenantRecord & { deletingAt?: string }>(Item);
      // A tenant being deleted is gone for every reader: its page stops routing, publishes stop, the API 404s.
      if (!record || record.deletingAt) return undefined;
      const { deletingAt, ...rest } = record;
      return rest;
    },

    async require(tenantId: string): Promise<TenantRecord> {
      const record = await this.get(tenantId);
      if (!record) throw notFound('Tenant');
      return record;
    },

    /** Ids of every tenant, in id order (the gsi2 `TENANTS` directory). Cross-tenant by design: daily jobs. */
    async listIds(): Promise<string[]> {
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': tenantDirectory },
            ProjectionExpression: 'gsi2sk',
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) ids.push(item.gsi2sk as string);
        start = page.LastEvaluatedKey;
      } while (start);
      return ids;
    },

    /**
     * One page of the tenant directory in id order, after `after` (null: from the first). `more` is
     * false on the last page. For cross-tenant jobs that must stay inside a run budget.
     */
    async listIdsPage(after: string | null, limit: number): Promise<{ ids: string[]; more: boolean }> {
      const page = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi2',
          KeyConditionExpression: after === null ? 'gsi2pk = :pk' : 'gsi2pk = :pk AND gsi2sk > :after',
          ExpressionAttributeValues: { ':pk': tenantDirectory, ...(after === null ? {} : { ':after': after }) },
          ProjectionExpression: 'gsi2sk',
          Limit: limit,
        }),
      );
      return {
        ids: (page.Items ?? []).map((item) => item.gsi2sk as string),
        more: page.LastEvaluatedKey !== undefined,
      };
    },

    async getBySlug(slug: string): Promise<TenantRecord | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: slugKey(slug) }));
      if (!Item) return undefined;
      return this.get(Item.tenantId as string);
    },

    /** Replaces tenant settings and branding if nobody changed them since `expectedVersion`. */
    async update(
      tenantId: string,
      expectedVersion: number,
      next: { tenant?: Omit<Tenant, 'id' | 'slug' | 'createdAt'>; branding?: Branding },
    ): Promise<TenantRecord> {
      const sets: string[] = ['#version = :next'];
      const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1 };
      if (next.tenant) {
        sets.push('tenant.#name = :name', 'tenant.#tz = :tz');
        values[':name'] = next.tenant.name;
        values[':tz'] = next.tenant.timezone;
      }
      if (next.branding) {
        sets.push('branding = :branding');
        values[':branding'] = next.branding;
      }
      const { Attributes } = await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: tenantKey(tenantId),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
              ExpressionAttributeNames: {
                '#version': 'version',
                ...(next.tenant ? { '#name': 'name', '#tz': 'timezone' } : {}),
              },
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          ),
        'The settings changed since you loaded them; reload and try again',
        'version',
      );
      return strip<TenantRecord>(Attributes) as TenantRecord;
    },
  };
}
