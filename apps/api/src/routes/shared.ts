import { z } from '@hono/zod-openapi';
import type { Permission } from '@upstate/core';
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
  409: { ...errorContent, description: 'Conflict or illegal lifecycle transition' },
  413: { ...errorContent, description: 'Body over 64 KB' },
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

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});

/** The caller, once it holds `permission` (403 naming what is missing otherwise). */
export function principal(c: Context<Env>, scope: Permission): Principal {
  const p = c.get('principal');
  requireScope(p, scope);
  return p;
}

export interface RouteDeps extends Required<Pick<AppDeps, 'store' | 'publishTrigger' | 'dnsResolver'>> {
  now: () => Date;
  domainProvisioner: NonNullable<AppDeps['domainProvisioner']>;
  config: import('../context.ts').ApiConfig;
  log: NonNullable<AppDeps['log']>;
  mailer: NonNullable<AppDeps['mailer']>;
  clientAddress: NonNullable<AppDeps['clientAddress']>;
  /** Bumps contentVersion and triggers a publish; a failing trigger is retried, logged, never thrown. */
  pageChanged(tenantId: string): Promise<number>;
  audit(
    p: Principal,
    action: string,
    target: { type: string; id: string },
    detail?: Record<string, unknown>,
  ): Promise<void>;
}
