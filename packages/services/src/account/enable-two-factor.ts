/**
 * Turns two-factor on once a code from the pending secret checks out, and returns ten recovery
 * codes (shown once; only hashes are kept). One conditional write (the pending secret must still be
 * the one checked), then the current session is marked as signed in with two factors; a crash between
 * leaves two-factor on and the session asked to sign in again with a code where a team requires it.
 */
import { AppError } from '@upstate/core';
import type { AccountDeps } from './deps.ts';
import { newRecoveryCodes, sha256 } from './secrets.ts';
import { totpStep } from './totp.ts';

export async function enableTwoFactor(
  deps: AccountDeps,
  input: { email: string; code: string; sessionHash?: string | undefined },
) {
  const user = await deps.store.users.getByEmail(input.email);
  if (!user?.totpPending) throw new AppError('conflict', 'Start two-factor set-up first', { field: 'code' });
  const step = totpStep(user.totpPending, input.code.trim(), deps.now());
  if (step === null)
    throw new AppError('validation_failed', 'That code does not match; check the time on your device', {
      field: 'code',
    });
  const codes = newRecoveryCodes();
  await deps.store.users.enableTotp(user.email, user.totpPending, codes.map(sha256), step);
  // The session that proved the code is now a two-factor session (a team requiring it lets it in).
  if (input.sessionHash) await deps.store.sessions.markTwoFactor(input.sessionHash);
  return { recoveryCodes: codes };
}
