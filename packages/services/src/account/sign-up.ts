/**
 * Sign-up: claims the page address and the email, then emails a verification link. Nothing else
 * exists until the address is verified (`verify-email.ts`): an unverified address proves nothing, so
 * it gets no tenant, no page, no key and no session; its claims lapse after 24 hours.
 *
 * Whether the email is registered never shows: a new address and a known one get the same 202, and
 * the owner of a known address gets an email instead of a second account.
 *
 * Writes, in order (after the abuse counters, which only ever slow a sender down):
 * 1. The slug claim (conditional: free, or a lapsed pending claim). Losing it is `409` on `slug`
 *    and nothing was written.
 * 2. The email claim (conditional). Of two racing sign-ups with one address exactly one wins; the
 *    other answers the same 202, and its slug claim stays pending until it lapses, exactly as an
 *    unverified sign-up's would, so a retry with that slug cannot tell which happened.
 * 3. The verification token. A crash before it leaves a claim nobody can verify: it lapses, and
 *    signing in with the password sends a new link (`sign-in.ts`).
 */
import { AppError, newId, type Tenant } from '@upstate/core';
import { type AccountDeps, epoch, sendAccountEmail, verifyTtlSeconds } from './deps.ts';
import { hashPassword } from './passwords.ts';
import { newSecret } from './secrets.ts';

export interface SignUpInput {
  name: string;
  slug: string;
  email: string;
  password: string;
  timezone?: string | undefined;
  clientAddress?: string | undefined;
}

export const signUpsPerAddressPerMinute = 10;

export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<{ status: 'verification_sent' }> {
  const email = input.email.toLowerCase();
  // Limits first, before any hashing: a fixed window per client address, then backoff per email
  // (every attempt counts, so repeated sign-ups for one address slow down whoever sends them).
  if (input.clientAddress) {
    const hit = await deps.store.rateLimits.hit(`signup-addr:${input.clientAddress}`, signUpsPerAddressPerMinute);
    if (!hit.allowed)
      throw new AppError('rate_limited', 'Too many sign-ups from this address', { retryAfter: hit.retryAfter });
  }
  const wait = await deps.store.throttles.waitSeconds(`signup:${email}`);
  if (wait > 0) throw new AppError('rate_limited', 'Too many sign-ups for this email', { retryAfter: wait });
  await deps.store.throttles.fail(`signup:${email}`);
  const passwordHash = await hashPassword(input.password);
  const tenant: Pick<Tenant, 'id' | 'name' | 'slug' | 'timezone'> = {
    id: newId(),
    name: input.name,
    slug: input.slug,
    timezone: input.timezone ?? 'UTC',
  };
  const claimExpiresAt = epoch(deps) + verifyTtlSeconds;
  if (!(await deps.store.tenants.claimSlug(tenant.slug, tenant.id, claimExpiresAt))) {
    throw new AppError('conflict', `The page address "${tenant.slug}" is taken`, { field: 'slug' });
  }
  const userId = newId();
  const won = await deps.store.users.claim({
    id: userId,
    tenantId: tenant.id,
    email,
    passwordHash,
    createdAt: deps.now().toISOString(),
    unverified: true,
    claimExpiresAt,
    pendingTenant: tenant,
  });
  if (!won) {
    await tellExistingOwner(deps, email);
    return { status: 'verification_sent' };
  }
  await sendVerification(deps, email, userId);
  return { status: 'verification_sent' };
}

/** A new single-use link for an unverified claim (also used when its owner signs in). */
export async function sendVerification(deps: AccountDeps, email: string, userId: string): Promise<void> {
  const token = newSecret();
  await deps.store.tokens.create(token.hash, {
    purpose: 'verify',
    email,
    userId,
    expiresAt: epoch(deps) + verifyTtlSeconds,
  });
  await sendAccountEmail(deps, email, 'Confirm your email to create your status page', [
    'Confirm your email address to finish creating your Upstate status page:',
    '',
    `${deps.dashboardUrl}/verify?token=${token.value}`,
    '',
    'The link works once and expires in 24 hours. If you did not sign up, ignore this email.',
  ]);
}

async function tellExistingOwner(deps: AccountDeps, email: string): Promise<void> {
  const user = await deps.store.users.getByEmail(email);
  if (user?.unverified) {
    // Still unverified and unexpired: the same person may be retrying, so the link goes out again.
    await sendVerification(deps, email, user.id);
    return;
  }
  await sendAccountEmail(deps, email, 'Someone tried to sign up with your email', [
    'Someone (maybe you) tried to create an Upstate account with this address, which already has one.',
    'No new account was created.',
    '',
    `Log in: ${deps.dashboardUrl}/login`,
    `Forgot your password? ${deps.dashboardUrl}/reset`,
  ]);
}
