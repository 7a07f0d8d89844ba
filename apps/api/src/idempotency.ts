import { AppError, newId } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { MiddlewareHandler } from 'hono';
import { requireScope, sha256 } from './auth.ts';
import type { Env, Principal } from './context.ts';

/** Response fields that carry a secret shown once: an API key, a heartbeat URL, a session's CSRF token. */
const secretFields = new Set(['key', 'heartbeatUrl', 'csrfToken']);

/**
 * The stored copy of a response never holds a secret (invariant 6): those fields become null, and
 * a replay says which were withheld. A client that lost the first response revokes and recreates.
 */
export function redactSecrets(text: string): { body: string; redacted: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { body: text, redacted: [] };
  }
  const redacted: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}${i}.`));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        // `key` is a generic name: only an API key's value (`up_live_…`) is a secret.
        if (secretFields.has(k) && typeof v === 'string' && (k !== 'key' || v.startsWith('up_live_'))) {
          redacted.push(`${path}${k}`);
          return [k, null];
        }
        return [k, walk(v, `${path}${k}.`)];
      }),
    );
  };
  const body = JSON.stringify(walk(parsed, ''));
  return { body, redacted };
}

type Who = { tenantId: string; author: Pick<Principal['author'], 'kind' | 'id'> } | undefined;

/** Who sent a request: keys of one principal never collide with, or replay to, another's. */
export function principalId(p: Who): string {
  return p ? `${p.tenantId}#${p.author.kind}:${p.author.id}` : 'anonymous';
}

/** The fingerprint binds method, path, body and principal, so a record answers only its own request. */
export function requestFingerprint(p: Who, method: string, path: string, body: string): string {
  return sha256(`${principalId(p)}\n${method} ${path}\n${body}`);
}

/** Methods whose retries the key settles: creates and appends (POST), and deletes, whose audit a retry must still write. */
const keyedMethods = new Set(['POST', 'DELETE']);

/** Statuses whose response has no body (a replayed 204 must not carry the empty stored text). */
const nullBodyStatuses = new Set([204, 205, 304]);

/**
 * `Idempotency-Key` on POST and DELETE: the first response (2xx or 4xx) is stored for 24 h and
 * replayed to retries; a retry never writes twice. A 5xx hands the key back with its operation id, so a retry
 * completes what the failed attempt began (use cases derive ids from it) instead of writing twice;
 * a DELETE retried after a failure that had already deleted finishes (audit, publish) and answers
 * 204 as the first success would, not 404.
 *
 * Records live per principal (tenant plus key or user), never per tenant: a read-only key that
 * reuses an admin's key and body must not receive the admin's 201, nor pre-claim the admin's key
 * with a stored 403. A replay is also authorised again: the scope the route demanded is stored
 * with the record and checked against the caller before anything is replayed.
 */
export function idempotency(store: Store, now: () => Date = () => new Date()): MiddlewareHandler<Env> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!keyedMethods.has(c.req.method) || key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', {
        field: 'Idempotency-Key',
      });
    }
    const who = c.get('principal');
    const scope = principalId(who);
    const body = await c.req.raw.clone().text();
    const fingerprint = requestFingerprint(who, c.req.method, c.req.path, body);
    const claim = await store.idempotency.claim(scope, key, fingerprint, newId(now().getTime()));
    if (claim.owned) {
      c.set('operationId', claim.operationId);
      if (claim.resumed) c.set('operationResumed', true);
    } else {
      const prior = claim.record;
      if (prior.state !== 'done' || prior.status === null) {
        throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress', {
          field: 'Idempotency-Key',
        });
      }
      if (prior.scope && who) requireScope(who, prior.scope);
      const withheld = prior.redacted ?? [];
      return new Response(nullBodyStatuses.has(prior.status) ? null : prior.body, {
        status: prior.status,
        headers: {
          'content-type': prior.contentType ?? 'application/json',
          'idempotent-replayed': 'true',
          ...(withheld.length ? { 'idempotent-redacted': withheld.join(', ') } : {}),
        },
      });
    }
    await next();
    // The key is kept with its operation id: a retry finishes the failed operation, never repeats it.
    if (c.res.status >= 500) {
      await store.idempotency.release(scope, key);
      return;
    }
    const stored = redactSecrets(await c.res.clone().text());
    await store.idempotency.complete(scope, key, {
      status: c.res.status,
      body: stored.body,
      redacted: stored.redacted,
      contentType: c.res.headers.get('content-type') ?? 'application/json',
      scope: c.get('requiredScope'),
    });
  };
}
