/**
 * Sign-in with email, password and (when the account has it) a second factor.
 *
 * Abuse limits come before any hashing, each one a single read or counter write: a per-address
 * fixed window, then the backoff that failures earned for this email and this address (5 free,
 * then 2 s doubling to an hour; 429 with Retry-After). Unknown emails cost one hash like known
 * ones and answer the same 401.
 *
 * Writes: failure counters; on success the counters are cleared, an old-scheme hash is replaced
 * (conditional on the hash just verified, so a concurrent reset wins), and a session is opened.
 * A crash between them leaves at most a stale counter or an old-scheme hash, re-done next time.
 */
import { AppError, type Role } from '@upstate/core';
import type { User } from '@upstate/store';
import type { AccountDeps } from './deps.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { sha256 } from './secrets.ts';
import { sendVerification } from './sign-up.ts';
import { startSession } from './start-session.ts';
import { totpStep } from './totp.ts';

export interface SignInInput {
  email: string;
  password: string;
  /** A 6-digit TOTP code or a recovery code. */
  code?: string | undefined;
  clientAddress?: string | undefined;
  userAgent?: string | undefined;
}

export const addressAttemptsPerMinute = 30;

/** Refuses early when a subject is in backoff. Cheap: one rate-limit counter and two reads. */
export async function checkSignInLimits(deps: AccountDeps, email: string, clientAddress: string | undefined) {
  if (clientAddress) {
    const hit = await deps.store.rateLimits.hit(`signin-addr:${clientAddress}`, addressAttemptsPerMinute);
    if (!hit.allowed)
      throw new AppError('rate_limited', 'Too many sign-in attempts from this address', {
        retryAfter: hit.retryAfter,
      });
  }
  const waits = await Promise.all([
    deps.store.throttles.waitSeconds(`signin:${email}`),
    clientAddress ? deps.store.throttles.waitSeconds(`signin-addr:${clientAddress}`) : 0,
  ]);
  const wait = Math.max(...waits);
  if (wait > 0)
    throw new AppError('rate_limited', 'Too many failed attempts; wait and try again', { retryAfter: wait });
}

async function failed(deps: AccountDeps, email: string, clientAddress: string | undefined) {
  await deps.store.throttles.fail(`signin:${email}`);
  if (clientAddress) await deps.store.throttles.fail(`signin-addr:${clientAddress}`);
}

/** Checks the second factor; a recovery code is spent by the check. */
export async function checkSecondFactor(deps: AccountDeps, user: User, code: string): Promise<boolean> {
  if (!user.totpSecret) return true;
  const trimmed = code.trim().toLowerCase();
  if (/^\d{6}$/.test(trimmed)) {
    // RFC 6238 §5.2: a code is accepted once; the step is recorded with a condition, so a code
    // seen by someone else cannot be replayed within its 30 seconds.
    const step = totpStep(user.totpSecret, trimmed, deps.now());
    return step !== null && deps.store.users.useTotpStep(user.email, step);
  }
  if (/^[a-z0-9]{4}-[a-z0-9]{4}$/.test(trimmed)) return deps.store.users.useRecoveryCode(user.email, sha256(trimmed));
  return false;
}

export async function signIn(deps: AccountDeps, input: SignInInput) {
  const email = input.email.toLowerCase();
  await checkSignInLimits(deps, email, input.clientAddress);
  const user = await deps.store.users.getByEmail(email);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await failed(deps, email, input.clientAddress);
    throw new AppError('unauthorized', 'Wrong email or password', { field: 'password' });
  }
  if (user.unverified) {
    await sendVerification(deps, email, user.id);
    throw new AppError('email_unverified', 'Confirm your email first: we sent you a new link', { field: 'email' });
  }
  if (user.totpSecret) {
    if (!input.code)
      throw new AppError('two_factor_required', 'Enter the code from your authenticator app', { field: 'code' });
    if (!(await checkSecondFactor(deps, user, input.code))) {
      await failed(deps, email, input.clientAddress);
      throw new AppError('unauthorized', 'Wrong or used code', { field: 'code' });
    }
  }
  await deps.store.throttles.clear(`signin:${email}`);
  if (needsRehash(user.passwordHash))
    await deps.store.users.upgradePassword(email, user.passwordHash, await hashPassword(input.password));
  const tenantId = await homeTenant(deps, user);
  // The account outlived its only tenant (deleted): the login stays, for invites to come.
  if (!tenantId)
    throw new AppError('no_team', 'Your account belongs to no team any more: accept an invite to join one', {
      field: 'email',
    });
  const session = await startSession(deps, user, tenantId, {
    twoFactor: Boolean(user.totpSecret),
    userAgent: input.userAgent,
  });
  return { ...session, tenantId, user: { id: user.id, email: user.email } };
}

/**
 * The tenant a session opens on: the sign-up tenant while the person is still in it, else their first;
 * none when every tenant of theirs is gone or being deleted (the login then has no team).
 */
async function homeTenant(deps: AccountDeps, user: User): Promise<string | undefined> {
  const tenants = await deps.store.users.listMemberships(user.email);
  const live = async (tenantId: string) => {
    const team = await deps.store.teams.get(tenantId);
    // No team item yet: an account from before teams, which owns the tenant it signed up with.
    if (!team) return tenantId === user.tenantId && Boolean(await deps.store.tenants.get(tenantId));
    return !team.deletingAt && Boolean(team.members[user.id]);
  };
  if (user.tenantId && (tenants.length === 0 || tenants.includes(user.tenantId)) && (await live(user.tenantId)))
    return user.tenantId;
  for (const tenantId of tenants) if (tenantId !== user.tenantId && (await live(tenantId))) return tenantId;
  return undefined;
}

export async function roleIn(
  deps: Pick<AccountDeps, 'store' | 'now'>,
  tenantId: string,
  user: { id: string; email: string },
): Promise<{ role: Role; requireTwoFactor: boolean } | undefined> {
  const team = await deps.store.teams.get(tenantId);
  if (team) {
    // A tenant being deleted has no members that may act (`tenant/delete.ts`).
    if (team.deletingAt) return undefined;
    const member = team.members[user.id];
    return member ? { role: member.role, requireTwoFactor: team.requireTwoFactor } : undefined;
  }
  // Accounts from before teams: the user who signed the tenant up owns it. The team item is made
  // on first use so every later change is the team's conditional write.
  const account = await deps.store.users.getByEmail(user.email);
  if (account?.id !== user.id || account.tenantId !== tenantId || account.unverified) return undefined;
  await deps.store.teams.create(tenantId, {
    userId: user.id,
    email: user.email,
    role: 'owner',
    addedAt: deps.now().toISOString(),
  });
  await deps.store.users.addMembership(user.email, tenantId);
  return { role: 'owner', requireTwoFactor: false };
}
