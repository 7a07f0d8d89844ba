import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { type ApiKeyScope, AppError } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiConfig, Env, Principal } from './context.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
const scryptParams = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const sessionCookie = 'upstate_session';
export const sessionTtlSeconds = 7 * 24 * 3600;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** `scrypt$N$r$p$salt$hash`, all base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, scryptParams);
  return [
    'scrypt',
    scryptParams.N,
    scryptParams.r,
    scryptParams.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(expected, actual);
}

/** API keys look like `up_live_<48 hex>`; only the SHA-256 is stored. */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `up_live_${randomBytes(24).toString('hex')}`;
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}

export function newSessionId(): { id: string; hash: string } {
  const id = randomBytes(32).toString('base64url');
  return { id, hash: sha256(id) };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates by `Authorization: Bearer <key>` or the session cookie. Cookie-authenticated
 * writes must carry the session's CSRF token (`X-CSRF-Token` header or `_csrf` form field).
 * API keys are rate limited per key in DynamoDB, so the limit holds across Lambda instances.
 */
export function authenticate(store: Store, config: ApiConfig): MiddlewareHandler<Env> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1])
        throw new AppError('unauthorized', 'Use "Authorization: Bearer <api key>"', { field: 'Authorization' });
      const key = await store.apiKeys.getByHash(sha256(match[1]));
      if (!key) throw new AppError('unauthorized', 'Unknown or revoked API key', { field: 'Authorization' });
      const limit = await store.rateLimits.hit(`key:${key.id}`, config.rateLimitPerMinute);
      if (!limit.allowed) {
        throw new AppError('rate_limited', `Rate limit of ${config.rateLimitPerMinute} requests per minute exceeded`, {
          retryAfter: limit.retryAfter,
        });
      }
      await store.apiKeys.touchLastUsed(key);
      c.set('principal', {
        tenantId: key.tenantId,
        author: { kind: 'api_key', id: key.id, label: key.name },
        scopes: key.scopes,
        via: 'api_key',
        apiKeyId: key.id,
      });
      return next();
    }
    const sessionId = getCookie(c, sessionCookie);
    if (sessionId) {
      const session = await store.sessions.get(sha256(sessionId));
      if (session) {
        if (!safeMethods.has(c.req.method)) await checkCsrf(c, session.csrfToken);
        c.set('principal', {
          tenantId: session.tenantId,
          author: { kind: 'user', id: session.userId, label: session.email },
          scopes: ['admin'],
          via: 'session',
          csrfToken: session.csrfToken,
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

const scopeImplies: Record<ApiKeyScope, readonly ApiKeyScope[]> = {
  admin: ['admin', 'incidents', 'components', 'read'],
  incidents: ['incidents', 'read'],
  components: ['components', 'read'],
  read: ['read'],
};

export function requireScope(principal: Principal, scope: ApiKeyScope): void {
  if (!principal.scopes.some((s) => scopeImplies[s].includes(scope))) {
    throw new AppError('forbidden', `This key lacks the "${scope}" scope`);
  }
}
