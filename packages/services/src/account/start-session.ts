/** Opens a dashboard session (one write). The cookie value is returned once; only its hash is stored. */
import { newId, randomToken } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { newSecret } from './secrets.ts';

export const sessionTtlSeconds = 7 * 24 * 3600;

export async function startSession(
  deps: ServiceDeps,
  user: { id: string; email: string },
  tenantId: string,
  options: { twoFactor?: boolean; userAgent?: string | undefined } = {},
): Promise<{ cookie: string; csrfToken: string; sessionId: string }> {
  const secret = newSecret();
  const csrfToken = randomToken(24);
  const sessionId = newId();
  const now = deps.now();
  await deps.store.sessions.create(secret.hash, {
    id: sessionId,
    userId: user.id,
    tenantId,
    email: user.email,
    csrfToken,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + sessionTtlSeconds,
    twoFactor: options.twoFactor ?? false,
    ...(options.userAgent ? { userAgent: options.userAgent.slice(0, 200) } : {}),
  });
  return { cookie: secret.value, csrfToken, sessionId };
}
