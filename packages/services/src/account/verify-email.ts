/**
 * Verifies a sign-up's email and creates what it asked for: tenant, team with its owner, first API
 * key, then marks the account verified.
 *
 * Writes, in order, and what a crash after each leaves:
 * 1. The token is spent (conditional): a second click gets `invalid_token`. Crash: the account stays
 *    unverified; signing in with its password mails a new link, and this runs again.
 * 2. The tenant (turns the pending slug claim into its slug; skipped when it exists from a run that
 *    stopped). Crash: a tenant nobody can sign in to yet; the re-run completes it.
 * 3. The team with the owner, and the owner's membership (both repeatable).
 * 4. The first API key. A re-run after a crash here makes a second one; it can be revoked.
 * 5. The audit entry, then the account is marked verified (conditional on the claim's user id, so a
 *    lapsed claim taken over by someone else is never verified by the old link).
 */
import { AppError, defaultBranding, newId } from '@upstate/core';
import type { TenantRecord } from '@upstate/store';
import { type AccountDeps, epoch } from './deps.ts';
import { newApiKey, sha256 } from './secrets.ts';

export interface Verified {
  tenant: TenantRecord;
  user: { id: string; email: string };
  apiKey: { id: string; name: string; scopes: ['admin']; prefix: string; createdAt: string; key: string };
}

export async function verifyEmail(deps: AccountDeps, input: { token: string }): Promise<Verified> {
  const { store } = deps;
  const token = await store.tokens.consume(sha256(input.token), 'verify', epoch(deps));
  const user = await store.users.getByEmail(token.email);
  if (!user?.unverified || !user.pendingTenant || user.id !== token.userId) {
    throw new AppError('invalid_token', 'This link has expired or was already used', { field: 'token' });
  }
  const at = deps.now().toISOString();
  const pending = user.pendingTenant;
  const tenant =
    (await store.tenants.get(pending.id)) ??
    (await store.tenants.create({ ...pending, createdAt: at }, defaultBranding));
  await store.teams.create(pending.id, { userId: user.id, email: user.email, role: 'owner', addedAt: at });
  await store.users.addMembership(user.email, pending.id);
  const secret = newApiKey();
  const key = await store.apiKeys.create({
    id: newId(),
    tenantId: pending.id,
    name: 'Default key',
    scopes: ['admin'],
    prefix: secret.prefix,
    hash: secret.hash,
    createdAt: at,
  });
  await store.audit.append({
    tenantId: pending.id,
    author: { kind: 'user', id: user.id, label: user.email },
    action: 'tenant.created',
    target: { type: 'tenant', id: pending.id },
    detail: {},
  });
  await store.users.markVerified(user.email, user.id);
  return {
    tenant,
    user: { id: user.id, email: user.email },
    apiKey: {
      id: key.id,
      name: key.name,
      scopes: ['admin'],
      prefix: key.prefix,
      createdAt: key.createdAt,
      key: secret.key,
    },
  };
}
