/**
 * Sets a new password from a reset link and ends every session of the account.
 * Writes: token spent (conditional, single use) → password → sessions deleted → backoff cleared.
 * A crash after the token leaves the old password in place (ask for a new link); after the
 * password, sessions that should have ended live on until the next reset or their expiry, so the
 * sessions go right after the password, before anything else.
 */
import { AppError } from '@upstate/core';
import { type AccountDeps, epoch } from './deps.ts';
import { hashPassword } from './passwords.ts';
import { sha256 } from './secrets.ts';

export async function resetPassword(deps: AccountDeps, input: { token: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  const token = await deps.store.tokens.consume(sha256(input.token), 'reset', epoch(deps));
  const user = await deps.store.users.getByEmail(token.email);
  if (!user || user.id !== token.userId)
    throw new AppError('invalid_token', 'This link has expired or was already used', { field: 'token' });
  await deps.store.users.setPassword(user.email, passwordHash);
  const ended = await deps.store.sessions.deleteAllOfUser(user.id);
  await deps.store.throttles.clear(`signin:${user.email}`);
  return { sessionsEnded: ended };
}
