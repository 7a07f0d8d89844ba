/** Starts two-factor set-up: a new secret is held as pending until a code from it is confirmed. One write. */
import type { AccountDeps } from './deps.ts';
import { newTotpSecret, totpUri } from './totp.ts';

export async function setUpTwoFactor(deps: AccountDeps, input: { email: string }) {
  const secret = newTotpSecret();
  await deps.store.users.setTotpPending(input.email, secret);
  return { secret, otpauthUri: totpUri(secret, input.email) };
}
