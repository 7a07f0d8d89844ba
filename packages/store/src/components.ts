import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Component, type ComponentGroup, type ComponentStatus, notFound } from '@upstate/core';
import { type Db, strip } from './db.ts';
import { conditional } from './errors.ts';
import { componentKey, groupKey, itemTypes } from './keys.ts';
import { listByPrefix, putIfVersion } from './queries.ts';

export type StoredComponent = Component & { version: number };
export type StoredGroup = ComponentGroup & { version: number };

const byPosition = <T extends { position: number; name: string }>(a: T, b: T) =>
  a.position - b.position || a.name.localeCompare(b.name);

export function componentsRepo(db: Db) {
  return {
    async create(component: Component): Promise<StoredComponent> {
      const stored = { ...component, version: 1 };
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { ...componentKey(component.tenantId, component.id), type: itemTypes.component, ...stored },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        'Component already exists',
      );
      return stored;
    },
    async get(tenantId: string, id: string): Promise<StoredComponent | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: componentKey(tenantId, id) }));
      return strip<StoredComponent>(Item);
    },
    async require(tenantId: string, id: string): Promise<StoredComponent> {
      const c = await this.get(tenantId, id);
      if (!c) throw notFound('Component');
      return c;
    },
    /** In page order. */
    async list(tenantId: string): Promise<StoredComponent[]> {
      return (await listByPrefix<StoredComponent>(db, tenantId, 'COMPONENT#')).sort(byPosition);
    },
    /** Replaces the component if it is still at `expectedVersion`. */
    async put(next: StoredComponent, expectedVersion: number): Promise<StoredComponent> {
      const stored = { ...next, version: expectedVersion + 1, updatedAt: db.now().toISOString() };
      await putIfVersion(
        db,
        { ...componentKey(next.tenantId, next.id), type: itemTypes.component, ...stored },
        expectedVersion,
        'The component changed since you loaded it; reload and try again',
      );
      return stored;
    },
    /** Sets a status unless the component changed meanwhile (optional version check). */
    async setStatus(
      tenantId: string,
      id: string,
      status: ComponentStatus,
      source: Component['statusSource'],
      expectedVersion?: number,
      /** A change outside an incident, recorded in the same write so it is announced exactly when it happened. */
      change?: NonNullable<Component['statusChange']>,
    ): Promise<StoredComponent> {
      const { Attributes } = await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: componentKey(tenantId, id),
              UpdateExpression: `SET #status = :s, statusSource = :src, updatedAt = :now${change ? ', statusChange = :c' : ''} ADD version :one`,
              ConditionExpression:
                expectedVersion === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND version = :v',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':s': status,
                ':src': source,
                ':now': db.now().toISOString(),
                ':one': 1,
                ...(expectedVersion === undefined ? {} : { ':v': expectedVersion }),
                ...(change ? { ':c': change } : {}),
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        expectedVersion === undefined ? 'Component not found' : 'The component changed since you loaded it',
        'status',
      );
      return strip<StoredComponent>(Attributes) as StoredComponent;
    },
    async delete(tenantId: string, id: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: componentKey(tenantId, id),
              ConditionExpression: 'attribute_exists(pk)',
            }),
          ),
        'Component not found',
      );
    },
  };
}

export function groupsRepo(db: Db) {
  return {
    async create(group: ComponentGroup): Promise<StoredGroup> {
      const stored = { ...group, version: 1 };
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...groupKey(group.tenantId, group.id), type: itemTypes.group, ...stored },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return stored;
    },
    async get(tenantId: string, id: string): Promise<StoredGroup | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: groupKey(tenantId, id) }));
      return strip<StoredGroup>(Item);
    },
    async list(tenantId: string): Promise<StoredGroup[]> {
      return (await listByPrefix<StoredGroup>(db, tenantId, 'GROUP#')).sort(byPosition);
    },
    async put(next: StoredGroup, expectedVersion: number): Promise<StoredGroup> {
      const stored = { ...next, version: expectedVersion + 1, updatedAt: db.now().toISOString() };
      await putIfVersion(
        db,
        { ...groupKey(next.tenantId, next.id), type: itemTypes.group, ...stored },
        expectedVersion,
        'The group changed since you loaded it; reload and try again',
      );
      return stored;
    },
    async delete(tenantId: string, id: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: groupKey(tenantId, id),
              ConditionExpression: 'attribute_exists(pk)',
            }),
          ),
        'Group not found',
      );
    },
  };
}
