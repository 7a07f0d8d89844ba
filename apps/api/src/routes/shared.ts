import { z } from '@hono/zod-openapi';
import { AppError, type Permission } from '@upstate/core';
import type { ServiceDeps } from '@upstate/services/deps';
import type { Actor } from '@upstate/services/operation';
import type { Context } from 'hono';
import { requireScope } from '../auth.ts';
import type { AppDeps, Env, Principal } from '../context.ts';
import { ErrorBody } from '../errors.ts';

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  content: { 'application/json': { schema } },
  required: true,
  ...(description ? { description } : {}),
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const errorContent = { content: { 'application/json': { schema: ErrorBody } } };
export const errorResponses = {
  400: { ...errorContent, description: 'Invalid input: `code` and `field` say what' },
  401: { ...errorContent, description: 'Missing or invalid credentials' },
  403: { ...errorContent, description: 'Your role or key lacks the permission, or the CSRF token is missing' },
  404: { ...errorContent, description: 'Not found (also for other tenants’ resources)' },
  409: {
    ...errorContent,
    description:
      'Illegal lifecycle transition, or `If-Match` named a stale version (`code: conflict`, `field: If-Match`). Never because another writer got there first when no version was sent.',
  },
  413: { ...errorContent, description: 'Body over 64 KB' },
  422: { ...errorContent, description: 'Too large, or a per-page cap reached (`quota_exceeded`)' },
  429: { ...errorContent, description: 'Rate limited; see Retry-After' },
} as const;

export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Pass it back as `cursor` for the next page; null on the last page. */
export const NextCursor = z.string().nullable().openapi({ example: 'eyJwayI6IlRFTkFOVCMwMUpEWjMifQ.5f2b9c0e' });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});

/** Request headers of a write to a mutable resource: optimistic concurrency on the client's terms. */
export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .max(40)
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description:
        'The `ETag` from a GET. When the resource has changed since, the write is refused with 409 `conflict` (field `If-Match`). Without it, appends always land and a PATCH changes only the fields sent.',
    }),
});

/** The version an `If-Match` header names (`"3"` or `W/"3"`), or undefined when absent. */
export function ifMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,12})"$/.exec(header.trim());
  if (!match)
    throw new AppError('validation_failed', 'If-Match must be an ETag from a GET, e.g. "3"', { field: 'If-Match' });
  return Number(match[1]);
}

/** The ETag of a versioned resource: its version, as a strong tag. */
export const etag = (version: number) => `"${version}"`;

export const etagHeader = {
  ETag: { schema: { type: 'string' as const }, description: 'The version, for `If-Match` on a later write' },
};

/** The caller as a use case sees it: tenant, author, and the request's operation id (Idempotency-Key). */
export function actorOf(c: Context<Env>, p: Principal): Actor {
  const operationId = c.get('operationId');
  return {
    tenantId: p.tenantId,
    author: p.author,
    ...(operationId ? { operationId } : {}),
    ...(c.get('operationResumed') ? { resumed: true } : {}),
  };
}

/** The caller, once it holds `permission` (403 naming what is missing otherwise). */
export function principal(c: Context<Env>, scope: Permission): Principal {
  const p = c.get('principal');
  c.set('requiredScope', scope);
  requireScope(p, scope);
  return p;
}

export interface RouteDeps extends Required<Pick<AppDeps, 'store' | 'publishTrigger' | 'dnsResolver'>> {
  now: () => Date;
  domainProvisioner: NonNullable<AppDeps['domainProvisioner']>;
  siteTakedown: NonNullable<AppDeps['siteTakedown']>;
  config: import('../context.ts').ApiConfig;
  log: NonNullable<AppDeps['log']>;
  imports: Required<Pick<import('../context.ts').ImportDeps, 'vet' | 'source' | 'launch'>> &
    import('../context.ts').ImportDeps;
  mailer: NonNullable<AppDeps['mailer']>;
  clientAddress: NonNullable<AppDeps['clientAddress']>;
  /** What use cases are given; routes change data only through them. */
  services: ServiceDeps;
}
