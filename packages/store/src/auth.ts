import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiKeyScope, AppError, notFound, type Role } from '@upstate/core';
import { type Db, epochSeconds, strip } from './db.ts';
import { conditional, isConditionalFailure } from './errors.ts';
import {
  apiKeyKey,
  apiKeysByTenant,
  inviteKey,
  itemTypes,
  membershipKey,
  membershipPrefix,
  sessionKey,
  sessionsByUser,
  teamKey,
  tenantPartition,
  throttleKey,
  tokenKey,
  userKey,
} from './keys.ts';

export interface User {
  id: string;
  /**
   * The tenant the account was created with (accounts made before teams belong to it as owner).
   * Absent once that tenant was deleted and the account belongs to no other: a login with no team.
   */
  tenantId?: string;
  email: string;
  passwordHash: string;
  createdAt: string;
  /** Set until the address is verified; an unverified claim can be taken over once it expires. */
  unverified?: boolean;
  claimExpiresAt?: number;
  /** What sign-up asked for, created when the address is verified. */
  pendingTenant?: { id: string; name: string; slug: string; timezone: string };
  /** Base32 TOTP secret once two-factor is on; `totpPending` while it is being set up. */
  totpSecret?: string | null;
  totpPending?: string | null;
  /** The last 30-second TOTP step accepted (a code is never accepted twice). */
  totpStep?: number;
  /** SHA-256 of each unused recovery code. */
  recoveryCodes?: Set<string>;
}

export interface Session {
  /** Public id (lists and revoke); the cookie value is only stored as the item key's hash. */
  id: string;
  userId: string;
  tenantId: string;
  email: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: number;
  /** Signed in with a second factor (a tenant that requires two-factor refuses sessions without). */
  twoFactor?: boolean;
  userAgent?: string;
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

export interface Member {
  userId: string;
  email: string;
  role: Role;
  addedAt: string;
}

export interface Team {
  tenantId: string;
  members: Record<string, Member>;
  /** Kept in the same item as the roles so "never remove the last owner" is one conditional write. */
  ownerCount: number;
  requireTwoFactor: boolean;
  /** Set when the tenant's deletion starts: no member acts from then on. */
  deletingAt?: string;
}

export type TokenPurpose = 'verify' | 'reset' | 'invite';

export interface AccountToken {
  purpose: TokenPurpose;
  email: string;
  userId?: string;
  tenantId?: string;
  inviteId?: string;
  expiresAt: number;
  usedAt?: string;
}

export interface Invite {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  invitedBy: string;
  createdAt: string;
  expiresAt: number;
  tokenHash: string;
  status: 'pending' | 'accepted' | 'revoked';
}

export function usersRepo(db: Db) {
  const now = () => epochSeconds(db.now());
  const update = async (
    email: string,
    expression: string,
    values: Record<string, unknown>,
    condition = 'attribute_exists(pk)',
    names?: Record<string, string>,
  ) => {
    await conditional(
      () =>
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: userKey(email),
            UpdateExpression: expression,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
            ...(names ? { ExpressionAttributeNames: names } : {}),
          }),
        ),
      'The account changed meanwhile; try again',
    );
  };
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
    /**
     * An account made by accepting an invite (the link proved the address): the email must be free
     * or held by an unverified sign-up claim, which it replaces.
     */
    async createFromInvite(user: User): Promise<User> {
      const item = { ...user, email: user.email.toLowerCase() };
      await conditional(
        () =>
          db.doc.send(
            new PutCommand({
              TableName: db.table,
              Item: { ...userKey(user.email), type: itemTypes.user, ...item },
              ConditionExpression: 'attribute_not_exists(pk) OR unverified = :true',
              ExpressionAttributeValues: { ':true': true },
            }),
          ),
        'An account with this email was created meanwhile; sign in and open the invite again',
        'email',
      );
      return item;
    },
    /**
     * Claims the email for an unverified sign-up: one conditional put, so of two racing sign-ups
     * exactly one wins. A verified account is never replaced; an unverified claim only once it expired.
     * Returns false when the address is held.
     */
    async claim(user: User & { unverified: true; claimExpiresAt: number }): Promise<boolean> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...userKey(user.email), type: itemTypes.user, ...user, email: user.email.toLowerCase() },
            ConditionExpression: 'attribute_not_exists(pk) OR (unverified = :true AND claimExpiresAt < :now)',
            ExpressionAttributeValues: { ':true': true, ':now': now() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    async getByEmail(email: string): Promise<User | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: userKey(email), ConsistentRead: true }),
      );
      return strip<User>(Item);
    },
    /** Verification: only the claim that sent the token (same user id) becomes the account. */
    async markVerified(email: string, userId: string): Promise<void> {
      await update(
        email,
        'REMOVE unverified, claimExpiresAt, pendingTenant',
        { ':id': userId },
        'attribute_exists(pk) AND id = :id',
      );
    },
    async setPassword(email: string, passwordHash: string): Promise<void> {
      await update(email, 'SET passwordHash = :h', { ':h': passwordHash });
    },
    /** Re-hash on login: only if the stored hash is still the one verified, so a reset in between wins. */
    async upgradePassword(email: string, from: string, to: string): Promise<void> {
      try {
        await update(email, 'SET passwordHash = :to', { ':to': to, ':from': from }, 'passwordHash = :from');
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      }
    },
    async setTotpPending(email: string, secret: string | null): Promise<void> {
      await update(email, 'SET totpPending = :s', { ':s': secret });
    },
    async enableTotp(email: string, secret: string, recoveryHashes: string[], usedStep: number): Promise<void> {
      await update(
        email,
        'SET totpSecret = :s, totpPending = :null, recoveryCodes = :codes, totpStep = :step',
        { ':s': secret, ':null': null, ':codes': new Set(recoveryHashes), ':step': usedStep },
        'totpPending = :s',
      );
    },
    /** Records the TOTP step just used; false when it (or a later one) was used already. */
    async useTotpStep(email: string, step: number): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: userKey(email),
            UpdateExpression: 'SET totpStep = :step',
            ConditionExpression: 'attribute_not_exists(totpStep) OR totpStep < :step',
            ExpressionAttributeValues: { ':step': step },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    async disableTotp(email: string): Promise<void> {
      await update(email, 'SET totpSecret = :null, totpPending = :null REMOVE recoveryCodes', { ':null': null });
    },
    /** Spends a recovery code: the conditional delete lets each code sign in exactly once. */
    async useRecoveryCode(email: string, codeHash: string): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: userKey(email),
            UpdateExpression: 'DELETE recoveryCodes :one',
            ConditionExpression: 'contains(recoveryCodes, :code)',
            ExpressionAttributeValues: { ':one': new Set([codeHash]), ':code': codeHash },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },
    /** The user's side of memberships, for the tenant switcher. The team item is the authority. */
    async addMembership(email: string, tenantId: string): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...membershipKey(email, tenantId), type: itemTypes.membership, tenantId },
        }),
      );
    },
    async removeMembership(email: string, tenantId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: membershipKey(email, tenantId) }));
    },
    async listMemberships(email: string): Promise<string[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': userKey(email).pk, ':prefix': membershipPrefix },
        }),
      );
      return Items.map((i) => i.tenantId as string);
    },
  };
}

export function sessionsRepo(db: Db) {
  return {
    async create(sessionHash: string, session: Session): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...sessionKey(sessionHash),
            type: itemTypes.session,
            gsi1pk: sessionsByUser(session.userId),
            gsi1sk: `${session.createdAt}#${session.id}`,
            hash: sessionHash,
            ...session,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    /** Expired sessions are absent (TTL removes them on AWS only, so the read checks too). */
    async get(sessionHash: string): Promise<Session | undefined> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: sessionKey(sessionHash) }));
      const session = strip<Session & { hash?: string }>(Item);
      if (!session || session.expiresAt <= epochSeconds(db.now())) return undefined;
      // Sessions from before the per-person index cannot be listed or ended by a password reset,
      // so they no longer count: their holder signs in again.
      if (!session.id) return undefined;
      const { hash, ...rest } = session;
      return rest;
    },
    async delete(sessionHash: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: sessionKey(sessionHash) }));
    },
    /** The tenant switcher moves a session to another tenant of the same person. */
    async setTenant(sessionHash: string, tenantId: string): Promise<void> {
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: sessionKey(sessionHash),
              UpdateExpression: 'SET tenantId = :t',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':t': tenantId },
            }),
          ),
        'The session ended',
      );
    },
    async markTwoFactor(sessionHash: string): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: sessionKey(sessionHash),
          UpdateExpression: 'SET twoFactor = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    },
    /** Live sessions of a user, newest first, with the item hash for revoking. */
    async listByUser(userId: string): Promise<(Session & { hash: string })[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': sessionsByUser(userId) },
          ScanIndexForward: false,
        }),
      );
      const nowSeconds = epochSeconds(db.now());
      return Items.map((i) => strip<Session & { hash: string }>(i) as Session & { hash: string }).filter(
        (s) => s.expiresAt > nowSeconds,
      );
    },
    /** Ends every session of a user (password reset), except the one given. Returns how many ended. */
    async deleteAllOfUser(userId: string, exceptHash?: string): Promise<number> {
      const sessions = await this.listByUser(userId);
      const ended = sessions.filter((s) => s.hash !== exceptHash);
      for (const s of ended) await this.delete(s.hash);
      return ended.length;
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

/**
 * A tenant's members and their roles, all in one item: every request of a member reads it (so a
 * removal or a demotion takes effect on the next request), and every change is one conditional write.
 */
export function teamsRepo(db: Db) {
  const send = (command: UpdateCommand, message: string, field?: string) =>
    conditional(() => db.doc.send(command), message, field);
  return {
    async get(tenantId: string): Promise<Team | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: teamKey(tenantId), ConsistentRead: true }),
      );
      return strip<Team>(Item);
    },
    /** Creates the team with its first owner; repeating it for the same owner is harmless. */
    async create(tenantId: string, owner: Member): Promise<void> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...teamKey(tenantId),
              type: itemTypes.team,
              tenantId,
              members: { [owner.userId]: owner },
              ownerCount: 1,
              requireTwoFactor: false,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },
    async addMember(tenantId: string, member: Member): Promise<void> {
      await send(
        new UpdateCommand({
          TableName: db.table,
          Key: teamKey(tenantId),
          UpdateExpression: member.role === 'owner' ? 'SET members.#u = :m ADD ownerCount :one' : 'SET members.#u = :m',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(members.#u)',
          ExpressionAttributeNames: { '#u': member.userId },
          ExpressionAttributeValues: { ':m': member, ...(member.role === 'owner' ? { ':one': 1 } : {}) },
        }),
        'Already a member of this team',
        'email',
      );
    },
    /**
     * Changes a role. Demoting an owner needs another owner left (`ownerCount > 1`), checked in the
     * same write, so two owners demoting each other at once cannot leave the tenant ownerless.
     */
    async setRole(tenantId: string, userId: string, from: Role, to: Role): Promise<void> {
      if (from === to) return;
      const delta = (to === 'owner' ? 1 : 0) - (from === 'owner' ? 1 : 0);
      await send(
        new UpdateCommand({
          TableName: db.table,
          Key: teamKey(tenantId),
          UpdateExpression: `SET members.#u.#role = :to${delta ? ' ADD ownerCount :delta' : ''}`,
          ConditionExpression: `members.#u.#role = :from${from === 'owner' ? ' AND ownerCount > :one' : ''}`,
          ExpressionAttributeNames: { '#u': userId, '#role': 'role' },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': from,
            ...(delta ? { ':delta': delta } : {}),
            ...(from === 'owner' ? { ':one': 1 } : {}),
          },
        }),
        from === 'owner' ? 'A team always keeps at least one owner' : 'The member changed meanwhile; reload',
        'role',
      );
    },
    /**
     * Hands ownership from one owner to a member: the member becomes owner and the owner admin, in one
     * write conditional on both roles as read, so of racing transfers exactly one lands and the
     * owner count never moves.
     */
    async transferOwnership(tenantId: string, fromUserId: string, toUserId: string, toRole: Role): Promise<void> {
      await send(
        new UpdateCommand({
          TableName: db.table,
          Key: teamKey(tenantId),
          UpdateExpression: 'SET members.#from.#role = :admin, members.#to.#role = :owner',
          ConditionExpression: 'members.#from.#role = :owner AND members.#to.#role = :toRole',
          ExpressionAttributeNames: { '#from': fromUserId, '#to': toUserId, '#role': 'role' },
          ExpressionAttributeValues: { ':admin': 'admin', ':owner': 'owner', ':toRole': toRole },
        }),
        'Ownership changed meanwhile; reload',
        'userId',
      );
    },
    async removeMember(tenantId: string, userId: string, role: Role): Promise<void> {
      await send(
        new UpdateCommand({
          TableName: db.table,
          Key: teamKey(tenantId),
          UpdateExpression: `REMOVE members.#u${role === 'owner' ? ' ADD ownerCount :minus' : ''}`,
          ConditionExpression: `members.#u.#role = :role${role === 'owner' ? ' AND ownerCount > :one' : ''}`,
          ExpressionAttributeNames: { '#u': userId, '#role': 'role' },
          ExpressionAttributeValues: { ':role': role, ...(role === 'owner' ? { ':minus': -1, ':one': 1 } : {}) },
        }),
        role === 'owner' ? 'A team always keeps at least one owner' : 'The member changed meanwhile; reload',
        'userId',
      );
    },
    async setRequireTwoFactor(tenantId: string, required: boolean): Promise<void> {
      await send(
        new UpdateCommand({
          TableName: db.table,
          Key: teamKey(tenantId),
          UpdateExpression: 'SET requireTwoFactor = :r',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':r': required },
        }),
        'No team',
      );
    },
  };
}

/** Single-use, expiring tokens: only their SHA-256 is stored. */
export function tokensRepo(db: Db) {
  return {
    async create(tokenHash: string, token: AccountToken): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...tokenKey(tokenHash), type: itemTypes.token, ...token },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    /**
     * Reads a token that is still usable (unused, unexpired, of this purpose). `nowSeconds` is the
     * caller's clock, the one that set `expiresAt`, so a use case never mixes two clocks.
     */
    async peek(
      tokenHash: string,
      purpose: TokenPurpose,
      nowSeconds = epochSeconds(db.now()),
    ): Promise<AccountToken | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: tokenKey(tokenHash), ConsistentRead: true }),
      );
      const token = strip<AccountToken>(Item);
      if (!token || token.purpose !== purpose || token.usedAt || token.expiresAt <= nowSeconds) return undefined;
      return token;
    },
    /**
     * Spends a token: one conditional write, so of two requests with the same token exactly one
     * goes on. Expired, spent, revoked or unknown tokens are all `invalid_token`.
     */
    async consume(
      tokenHash: string,
      purpose: TokenPurpose,
      nowSeconds = epochSeconds(db.now()),
    ): Promise<AccountToken> {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: tokenKey(tokenHash),
            UpdateExpression: 'SET usedAt = :at',
            ConditionExpression: 'purpose = :p AND attribute_not_exists(usedAt) AND expiresAt > :now',
            ExpressionAttributeValues: {
              ':at': db.now().toISOString(),
              ':p': purpose,
              ':now': nowSeconds,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<AccountToken>(Attributes) as AccountToken;
      } catch (error) {
        if (isConditionalFailure(error))
          throw new AppError('invalid_token', 'This link has expired or was already used', { field: 'token' });
        throw error;
      }
    },
    async revoke(tokenHash: string): Promise<void> {
      await db.doc
        .send(
          new UpdateCommand({
            TableName: db.table,
            Key: tokenKey(tokenHash),
            UpdateExpression: 'SET usedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': `revoked ${db.now().toISOString()}` },
          }),
        )
        .catch((error) => {
          if (!isConditionalFailure(error)) throw error;
        });
    },
  };
}

export function invitesRepo(db: Db) {
  return {
    async create(invite: Invite): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...inviteKey(invite.tenantId, invite.id), type: itemTypes.invite, ...invite },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async get(tenantId: string, id: string): Promise<Invite | undefined> {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: inviteKey(tenantId, id), ConsistentRead: true }),
      );
      return strip<Invite>(Item);
    },
    async list(tenantId: string): Promise<Invite[]> {
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':prefix': 'INVITE#' },
          ScanIndexForward: false,
        }),
      );
      return Items.map((i) => strip<Invite>(i) as Invite);
    },
    /** Moves a pending invite on (accepted, revoked, or re-sent with a new token). */
    async update(
      tenantId: string,
      id: string,
      change: Partial<Pick<Invite, 'status' | 'tokenHash' | 'expiresAt'>>,
    ): Promise<void> {
      const names = Object.keys(change);
      await conditional(
        () =>
          db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: inviteKey(tenantId, id),
              UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { ...Object.fromEntries(names.map((n) => [`#${n}`, n])), '#status': 'status' },
              ExpressionAttributeValues: {
                ...Object.fromEntries(Object.entries(change).map(([n, v]) => [`:${n}`, v])),
                ':pending': 'pending',
              },
            }),
          ),
        'This invite is no longer pending',
        'id',
      );
    },
  };
}

/**
 * Failed sign-in attempts per subject (an email, a client address). After `free` failures every
 * further one doubles the wait, up to an hour; one conditional read answers before any hashing.
 */
export function throttlesRepo(db: Db) {
  const free = 5;
  const baseSeconds = 2;
  const maxSeconds = 3600;
  return {
    /** Seconds to wait before the next attempt, or 0. */
    async waitSeconds(subject: string): Promise<number> {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: throttleKey(subject) }));
      const lockedUntil = (Item?.lockedUntil as number | undefined) ?? 0;
      const nowMs = db.now().getTime();
      return lockedUntil > nowMs ? Math.ceil((lockedUntil - nowMs) / 1000) : 0;
    },
    async fail(subject: string): Promise<void> {
      const nowMs = db.now().getTime();
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: throttleKey(subject),
          UpdateExpression: 'ADD failures :one SET #type = :type, expiresAt = :exp',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':type': itemTypes.throttle,
            ':exp': Math.floor(nowMs / 1000) + 24 * 3600,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const failures = (Attributes?.failures as number) ?? 1;
      if (failures < free) return;
      const wait = Math.min(maxSeconds, baseSeconds * 2 ** (failures - free));
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: throttleKey(subject),
          UpdateExpression: 'SET lockedUntil = :until',
          ExpressionAttributeValues: { ':until': nowMs + wait * 1000 },
        }),
      );
    },
    async clear(subject: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: throttleKey(subject) }));
    },
  };
}
