/**
 * Mails a single-use reset link (1 hour) to a verified account. Answers the same whether or not the
 * address has one, and is limited per email like sign-in. One write (the token); a crash before the
 * email leaves a token nobody holds, which expires.
 */
import { AppError } from '@upstate/core';
import { type AccountDeps, epoch, resetTtlSeconds, sendAccountEmail } from './deps.ts';
import { newSecret } from './secrets.ts';

export async function requestPasswordReset(deps: AccountDeps, input: { email: string; clientAddress?: string }) {
  const email = input.email.toLowerCase();
  const wait = await deps.store.throttles.waitSeconds(`reset:${email}`);
  if (wait > 0)
    throw new AppError('rate_limited', 'A reset link was sent recently; check your email', { retryAfter: wait });
  await deps.store.throttles.fail(`reset:${email}`);
  const user = await deps.store.users.getByEmail(email);
  if (!user || user.unverified) return { status: 'reset_sent' as const };
  const token = newSecret();
  await deps.store.tokens.create(token.hash, {
    purpose: 'reset',
    email,
    userId: user.id,
    expiresAt: epoch(deps) + resetTtlSeconds,
  });
  await sendAccountEmail(deps, email, 'Reset your Upstate password', [
    'Choose a new password with this link:',
    '',
    `${deps.dashboardUrl}/reset?token=${token.value}`,
    '',
    'It works once and expires in an hour. Resetting signs you out everywhere.',
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ]);
  return { status: 'reset_sent' as const };
}
