/** Ends one session of a person: the current one (log out) or one from their list. One delete. */
import { AppError } from '@upstate/core';
import type { AccountDeps } from './deps.ts';

export async function endSession(
  deps: AccountDeps,
  input: { userId: string; sessionHash: string } | { userId: string; sessionId: string },
): Promise<void> {
  if ('sessionHash' in input) {
    await deps.store.sessions.delete(input.sessionHash);
    return;
  }
  const session = (await deps.store.sessions.listByUser(input.userId)).find((s) => s.id === input.sessionId);
  if (!session) throw new AppError('not_found', 'Session not found');
  await deps.store.sessions.delete(session.hash);
}
