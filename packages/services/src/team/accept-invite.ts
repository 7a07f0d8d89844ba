/**
 * Accepts an invite. The link proves control of the address, so a new account is created verified
 * with the password given; an existing account must give its password, and gains the tenant.
 *
 * Validation (token usable, invite pending and pointing at this token, password) happens before any
 * write. Writes, in order:
 * 1. The token is spent (conditional): two clicks make one member.
 * 2. The account, for a new person (conditional on the email being free or an unverified claim).
 * 3. The team member (conditional: not yet a member), then the person's membership link.
 * 4. The invite marked accepted, the audit entry (naming the new member), the session.
 * A crash after 1 leaves a spent link: an admin re-sends the invite. After 2, an account without
 * the tenant, which a re-sent invite completes.
 */
import { AppError, newId } from '@upstate/core';
import { type AccountDeps, epoch } from '../account/deps.ts';
import { hashPassword, verifyPassword } from '../account/passwords.ts';
import { sha256 } from '../account/secrets.ts';
import { checkSecondFactor, checkSignInLimits } from '../account/sign-in.ts';
import { startSession } from '../account/start-session.ts';

const invalid = () =>
  new AppError('invalid_token', 'This invite has expired, was revoked or was already used', { field: 'token' });

/** What the accept page shows before anyone types a password. */
export async function lookUpInvite(deps: AccountDeps, input: { token: string }) {
  const tokenHash = sha256(input.token);
  const token = await deps.store.tokens.peek(tokenHash, 'invite', epoch(deps));
  if (!token?.tenantId || !token.inviteId) throw invalid();
  const record = await deps.store.invites.get(token.tenantId, token.inviteId);
  if (record?.status !== 'pending' || record.tokenHash !== tokenHash) throw invalid();
  const [tenant, user] = await Promise.all([
    deps.store.tenants.get(record.tenantId),
    deps.store.users.getByEmail(record.email),
  ]);
  return {
    invite: record,
    tenantName: tenant?.tenant.name ?? '',
    hasAccount: Boolean(user && !user.unverified),
  };
}

export async function acceptInvite(
  deps: AccountDeps,
  input: { token: string; password: string; code?: string | undefined; clientAddress?: string; userAgent?: string },
) {
  const { invite: record, hasAccount } = await lookUpInvite(deps, input);
  const existing = hasAccount ? await deps.store.users.getByEmail(record.email) : undefined;
  if (existing) {
    await checkSignInLimits(deps, record.email, input.clientAddress);
    if (!(await verifyPassword(input.password, existing.passwordHash))) {
      await deps.store.throttles.fail(`signin:${record.email}`);
      throw new AppError('unauthorized', 'Wrong password for your existing account', { field: 'password' });
    }
    // The invite link plus the password must not get around the account's second factor.
    if (existing.totpSecret) {
      if (!input.code)
        throw new AppError('two_factor_required', 'Enter the code from your authenticator app', { field: 'code' });
      if (!(await checkSecondFactor(deps, existing, input.code))) {
        await deps.store.throttles.fail(`signin:${record.email}`);
        throw new AppError('unauthorized', 'Wrong or used code', { field: 'code' });
      }
    }
  }
  const passwordHash = existing ? undefined : await hashPassword(input.password);
  await deps.store.tokens.consume(sha256(input.token), 'invite', epoch(deps));
  const at = deps.now().toISOString();
  const user =
    existing ??
    (await deps.store.users.createFromInvite({
      id: newId(),
      tenantId: record.tenantId,
      email: record.email,
      passwordHash: passwordHash as string,
      createdAt: at,
    }));
  await deps.store.teams.addMember(record.tenantId, {
    userId: user.id,
    email: user.email,
    role: record.role,
    addedAt: at,
  });
  await deps.store.users.addMembership(user.email, record.tenantId);
  await deps.store.invites.update(record.tenantId, record.id, { status: 'accepted' });
  await deps.store.audit.append({
    tenantId: record.tenantId,
    author: { kind: 'user', id: user.id, label: user.email },
    action: 'member.joined',
    target: { type: 'member', id: user.id },
    detail: { role: record.role },
  });
  const session = await startSession(deps, user, record.tenantId, {
    twoFactor: Boolean(existing?.totpSecret),
    userAgent: input.userAgent,
  });
  return { ...session, tenantId: record.tenantId, user: { id: user.id, email: user.email }, role: record.role };
}
