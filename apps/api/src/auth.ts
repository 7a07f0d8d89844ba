import { timingSafeEqual } from 'node:crypto';
import {
  type ApiKeyScope,
  AppError,
  type Permission,
  permissionsOfScopes,
  type Role,
  requirePermission,
  rolePermissions,
} from '@upstate/core';
import { sha256 } from '@upstate/services/account/secrets';
import { roleIn } from '@upstate/services/account/sign-in';
import type { Store } from '@upstate/store';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiConfig, Env, Principal } from './context.ts';

export { hashPassword, verifyPassword } from '@upstate/services/account/passwords';
export { newApiKey, sha256 } from '@upstate/services/account/secrets';
export { sessionTtlSeconds } from '@upstate/services/account/start-session';

export const sessionCookie = 'upstate_session';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Scopes shown for a person, for code that still reads `scopes`; `permissions` decides. */
const roleScopes: Record<Role, ApiKeyScope[]> = {
  owner: ['admin'],
  admin: ['admin'],
  editor: ['incidents', 'components'],
  viewer: ['read'],
};

/**
 * Authenticates by `Authorization: Bearer <key>` or the session cookie. Cookie-authenticated
 * writes must carry the session's CSRF token (`X-CSRF-Token` header or `_csrf` form field).
 * Keys are rate limited per key, sessions per person, in DynamoDB, so limits hold across instances.
 * A session's role is read from the team item on every request: a removed or demoted member is
 * refused (or limited) on their next request.
 */
export function authenticate(store: Store, config: ApiConfig, now: () => Date): MiddlewareHandler<Env> {
  const limited = (retryAfter: number) =>
    new AppError('rate_limited', `Rate limit of ${config.rateLimitPerMinute} requests per minute exceeded`, {
      retryAfter,
    });
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1])
        throw new AppError('unauthorized', 'Use "Authorization: Bearer <api key>"', { field: 'Authorization' });
      const key = await store.apiKeys.getByHash(sha256(match[1]));
      // A deleted tenant's keys stop at the deletion's first write (the tenant read hides it), not when they are removed.
      if (!key || !(await store.tenants.get(key.tenantId)))
        throw new AppError('unauthorized', 'Unknown or revoked API key', { field: 'Authorization' });
      const limit = await store.rateLimits.hit(`key:${key.id}`, config.rateLimitPerMinute);
      if (!limit.allowed) throw limited(limit.retryAfter);
      await store.apiKeys.touchLastUsed(key);
      c.set('principal', {
        tenantId: key.tenantId,
        author: { kind: 'api_key', id: key.id, label: key.name },
        scopes: key.scopes,
        permissions: permissionsOfScopes(key.scopes),
        via: 'api_key',
        apiKeyId: key.id,
      });
      return next();
    }
    const sessionId = getCookie(c, sessionCookie);
    if (sessionId) {
      const sessionHash = sha256(sessionId);
      const session = await store.sessions.get(sessionHash);
      if (session) {
        if (!safeMethods.has(c.req.method)) await checkCsrf(c, session.csrfToken);
        const limit = await store.rateLimits.hit(`user:${session.userId}`, config.rateLimitPerMinute);
        if (!limit.allowed) throw limited(limit.retryAfter);
        const [membership, tenant] = await Promise.all([
          roleIn({ store, now }, session.tenantId, { id: session.userId, email: session.email }),
          store.tenants.get(session.tenantId),
        ]);
        if (!membership || !tenant)
          throw new AppError('unauthorized', 'You are no longer a member of this team; sign in again');
        // A tenant that requires two-factor lets a session without it reach only its own account
        // settings (to turn two-factor on), never the tenant's data.
        const blocked = membership.requireTwoFactor && !session.twoFactor;
        c.set('principal', {
          tenantId: session.tenantId,
          author: { kind: 'user', id: session.userId, label: session.email },
          scopes: roleScopes[membership.role],
          permissions: blocked ? [] : rolePermissions[membership.role],
          role: membership.role,
          via: 'session',
          csrfToken: session.csrfToken,
          sessionHash,
          ...(blocked ? { twoFactorMissing: true } : {}),
        });
        return next();
      }
    }
    throw new AppError('unauthorized', 'Sign in or send an API key');
  };
}

async function checkCsrf(c: Context<Env>, expected: string): Promise<void> {
  let token = c.req.header('x-csrf-token');
  if (
    !token &&
    /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header('content-type') ?? '')
  ) {
    let form: FormData;
    try {
      form = await c.req.raw.clone().formData();
    } catch (cause) {
      throw new AppError('validation_failed', 'The form body could not be parsed', { field: 'body', cause });
    }
    const value = form.get('_csrf');
    token = typeof value === 'string' ? value : undefined;
  }
  const a = Buffer.from(token ?? '');
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AppError('csrf_failed', 'Missing or wrong CSRF token', { field: 'X-CSRF-Token' });
  }
}

/** Every route names the permission it needs; `packages/core/src/permissions.ts` says who holds it. */
export function requireScope(principal: Principal, permission: Permission): void {
  if (principal.twoFactorMissing)
    throw new AppError('forbidden', 'This team requires two-factor sign-in: turn it on in your account settings');
  requirePermission(
    { ...principal, permissions: principal.permissions ?? permissionsOfScopes(principal.scopes) },
    permission,
  );
}
