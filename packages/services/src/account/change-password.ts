/**
 * Changes the signed-in person's password (the current one is required) and ends their other
 * sessions. Writes: password (conditional on the hash just verified) → other sessions deleted.
 */
import { AppError } from '@upstate/core';
import type { AccountDeps } from './deps.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export async function changePassword(
  deps: AccountDeps,
  input: { email: string; current: string; next: string; keepSessionHash: string | undefined },
) {
  const user = await deps.store.users.getByEmail(input.email);
  if (!user || !(await verifyPassword(input.current, user.passwordHash))) {
    await deps.store.throttles.fail(`signin:${input.email}`);
    throw new AppError('unauthorized', 'The current password is wrong', { field: 'current' });
  }
  const nextHash = await hashPassword(input.next);
  await deps.store.users.upgradePassword(user.email, user.passwordHash, nextHash);
  const ended = await deps.store.sessions.deleteAllOfUser(user.id, input.keepSessionHash);
  return { sessionsEnded: ended };
}
