import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiKeyScope, notFound } from '@upstate/core';
import { type Db, epochSeconds, strip } from './db.ts';
import { conditional } from './errors.ts';
import { apiKeyKey, apiKeysByTenant, itemTypes, sessionKey, userKey } from './keys.ts';

export interface User {
  id: string;
  tenantId: string;
  email: string;
  passwordHash: string;
  createdAt: string;
}

export interface Session {
  userId: string;
  tenantId: string;
  email: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: number;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  scopes: ApiKeyScope[];
  /** First characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function usersRepo(db: Db) {
  return {
    /** Emails are globally unique: the user item is keyed by the lower-cased email. */
    async create(user: User): Promise<User> {
      const item = { ...user, email: user.email.toLowerCase() };
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { ...userKey(user.email), type: itemTypes.user, ...item },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        'An account with this email already exists',
        'email',
      );
      return item;
    },
    async getByEmail(email: string): Promise<User | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: userKey(email) }));
      return strip<User>(Item);
    },
  };
}

export function sessionsRepo(db: Db) {
  return {
    async create(sessionHash: string, session: Session): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...sessionKey(sessionHash), type: itemTypes.session, ...session },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    /** Expired sessions are absent (TTL removes them on AWS only, so the read checks too). */
    async get(sessionHash: string): Promise<Session | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: sessionKey(sessionHash) }));
      const session = strip<Session>(Item);
      if (!session || session.expiresAt <= epochSeconds(db.now())) return undefined;
      return session;
    },
    async delete(sessionHash: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: sessionKey(sessionHash) }));
    },
  };
}

export function apiKeysRepo(db: Db) {
  return {
    async create(record: Omit<ApiKeyRecord, 'lastUsedAt' | 'revokedAt'>): Promise<ApiKeyRecord> {
      const full: ApiKeyRecord = { ...record, lastUsedAt: null, revokedAt: null };
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...apiKeyKey(record.hash),
            type: itemTypes.apiKey,
            gsi1pk: apiKeysByTenant(record.tenantId),
            gsi1sk: record.id,
            ...full,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return full;
    },
    /** Authentication lookup: by hash, across tenants by design. Revoked keys are absent. */
    async getByHash(hash: string): Promise<ApiKeyRecord | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: apiKeyKey(hash) }));
      const key = strip<ApiKeyRecord>(Item);
      return key && !key.revokedAt ? key : undefined;
    },
    async list(tenantId: string): Promise<ApiKeyRecord[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': apiKeysByTenant(tenantId) },
        }),
      );
      return Items.map((i) => strip<ApiKeyRecord>(i) as ApiKeyRecord);
    },
    async revoke(tenantId: string, id: string): Promise<ApiKeyRecord> {
      const key = (await this.list(tenantId)).find((k) => k.id === id && !k.revokedAt);
      if (!key) throw notFound('API key');
      const revokedAt = db.now().toISOString();
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: apiKeyKey(key.hash),
              UpdateExpression: 'SET revokedAt = :at',
              ConditionExpression: 'tenantId = :tenant AND attribute_not_exists(revokedAt) OR revokedAt = :null',
              ExpressionAttributeValues: { ':at': revokedAt, ':tenant': tenantId, ':null': null },
            }),
          ),
        'The key was already revoked',
      );
      return { ...key, revokedAt };
    },
    /** Records use at most once a minute per key, so hot keys do not write on every request. */
    async touchLastUsed(key: ApiKeyRecord): Promise<void> {
      const now = db.now();
      if (key.lastUsedAt && now.getTime() - Date.parse(key.lastUsedAt) < 60_000) return;
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: apiKeyKey(key.hash),
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    },
  };
}
