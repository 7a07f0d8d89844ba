import type { Mailer } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/** Account and team use cases also send email and build links into the dashboard. */
export interface AccountDeps extends ServiceDeps {
  mailer: Mailer;
  /** Absolute dashboard URL, e.g. `https://app.example.com/dashboard`; email links start with it. */
  dashboardUrl: string;
  /** `Display Name <address>` of account email. */
  mailFrom: string;
}

export const hour = 3600;
export const verifyTtlSeconds = 24 * hour;
export const resetTtlSeconds = hour;
export const inviteTtlSeconds = 7 * 24 * hour;

export const epoch = (deps: Pick<ServiceDeps, 'now'>) => Math.floor(deps.now().getTime() / 1000);

/**
 * Account email is plain text only: tenant names and inviter labels are untrusted, and text cannot
 * carry markup. Links are built from our own URL and a random token, never from input.
 */
export async function sendAccountEmail(deps: AccountDeps, to: string, subject: string, lines: string[]) {
  try {
    await deps.mailer.send({ from: deps.mailFrom, to, subject, text: `${lines.join('\n')}\n\n— Upstate\n` });
  } catch (error) {
    // The caller's write stands; the person can ask for the email again (resend, reset, sign-in).
    deps.log('account email failed', { subject, error: String(error) });
  }
}
