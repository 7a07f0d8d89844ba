import { AppError, type Permission } from '@upstate/core';
import type { MiddlewareHandler } from 'hono';
import { requireScope } from './auth.ts';
import type { Env } from './context.ts';

/**
 * What every operation of the OpenAPI document needs: a permission (held through a role or a key's
 * scopes, `packages/core/src/permissions.ts`), `person` (a signed-in session of any role: it acts on
 * the person's own account) or `public` (authenticates itself or needs nothing). The middleware
 * below enforces it before idempotency and before the handler, the document carries it as
 * `x-permission`, and a test holds this table equal to the document's operations, no more, no less.
 */
export const routePermissions: Record<string, Permission | 'person' | 'public'> = {
  'POST /v1/signup': 'public',
  'POST /v1/signup/verify': 'public',
  'POST /v1/sessions': 'public',
  'GET /v1/sessions/current': 'person',
  'DELETE /v1/sessions/current': 'person',
  'PUT /v1/sessions/current/tenant': 'person',
  'GET /v1/account': 'person',
  'GET /v1/account/sessions': 'person',
  'DELETE /v1/account/sessions/{id}': 'person',
  'POST /v1/account/password': 'person',
  'POST /v1/account/two-factor/setup': 'person',
  'POST /v1/account/two-factor/enable': 'person',
  'POST /v1/account/two-factor/disable': 'person',
  'POST /v1/password-resets': 'public',
  'POST /v1/password-resets/confirm': 'public',
  'POST /v1/invites/lookup': 'public',
  'POST /v1/invites/accept': 'public',
  'GET /v1/api-keys': 'admin',
  'POST /v1/api-keys': 'admin',
  'DELETE /v1/api-keys/{id}': 'admin',
  'GET /v1/tenant': 'read',
  'PATCH /v1/tenant': 'admin',
  'DELETE /v1/tenant': 'owner',
  'GET /v1/components': 'read',
  'POST /v1/components': 'components',
  'GET /v1/components/{id}': 'read',
  'PATCH /v1/components/{id}': 'components',
  'DELETE /v1/components/{id}': 'components',
  'PUT /v1/component-order': 'components',
  'GET /v1/component-groups': 'read',
  'POST /v1/component-groups': 'components',
  'PATCH /v1/component-groups/{id}': 'components',
  'DELETE /v1/component-groups/{id}': 'components',
  'GET /v1/incidents': 'read',
  'POST /v1/incidents': 'incidents',
  'GET /v1/incidents/{id}': 'read',
  'POST /v1/incidents/{id}/updates': 'incidents',
  'POST /v1/incidents/{id}/updates/{updateId}/corrections': 'incidents',
  'POST /v1/incidents/{id}/resolve': 'incidents',
  'POST /v1/incidents/{id}/reopen': 'incidents',
  'GET /v1/maintenances': 'read',
  'POST /v1/maintenances': 'incidents',
  'GET /v1/maintenances/{id}': 'read',
  'PATCH /v1/maintenances/{id}': 'incidents',
  'DELETE /v1/maintenances/{id}': 'incidents',
  'POST /v1/maintenances/{id}/updates': 'incidents',
  'GET /v1/domains': 'read',
  'POST /v1/domains': 'admin',
  'POST /v1/domains/{domain}/verify': 'admin',
  'DELETE /v1/domains/{domain}': 'admin',
  'GET /v1/monitors': 'read',
  'POST /v1/monitors': 'components',
  'GET /v1/monitors/{id}': 'read',
  'PATCH /v1/monitors/{id}': 'components',
  'DELETE /v1/monitors/{id}': 'components',
  'GET /v1/monitors/{id}/checks': 'read',
  'POST /v1/heartbeats': 'public',
  'POST /v1/heartbeats/{token}': 'public',
  'GET /v1/heartbeats/{token}': 'public',
  'GET /v1/audit-log': 'read',
  'GET /v1/publish': 'read',
  'GET /v1/subscribers': 'read',
  'GET /v1/subscribers/count': 'read',
  'POST /v1/subscribers': 'admin',
  'POST /v1/subscribers/import': 'admin',
  'GET /v1/subscribers/export': 'admin',
  'PUT /v1/subscribers/{id}/scope': 'admin',
  'POST /v1/subscribers/{id}/enable': 'admin',
  'DELETE /v1/subscribers/{id}': 'admin',
  'GET /v1/notification-settings': 'read',
  'PUT /v1/notification-settings': 'admin',
  'GET /v1/notifications': 'read',
  'GET /v1/notifications/{entryKey}/deliveries': 'read',
  'POST /v1/imports': 'admin',
  'GET /v1/imports': 'read',
  'GET /v1/imports/{id}': 'read',
  'GET /v1/team': 'read',
  'PATCH /v1/team': 'owner',
  'POST /v1/team/ownership': 'owner',
  'PATCH /v1/team/members/{id}': 'team',
  'DELETE /v1/team/members/{id}': 'team',
  'GET /v1/team/invites': 'team',
  'POST /v1/team/invites': 'team',
  'POST /v1/team/invites/{id}/resend': 'team',
  'DELETE /v1/team/invites/{id}': 'team',
};

const compiled = Object.entries(routePermissions).map(([key, permission]) => {
  const [method, path] = key.split(' ') as [string, string];
  const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return { method, pattern, permission };
});

/** The requirement of a request, or undefined for a path the document does not hold (404 later). */
export function requirementOf(method: string, path: string) {
  const verb = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => r.method === verb && r.pattern.test(path))?.permission;
}

/** Authorises before anything else runs, so no replay, lookup or validation answers a caller without the permission. */
export const authorise: MiddlewareHandler<Env> = async (c, next) => {
  const needed = requirementOf(c.req.method, c.req.path);
  if (needed && needed !== 'public') {
    const p = c.get('principal');
    if (needed === 'person') {
      if (p.via !== 'session') throw new AppError('unauthorized', 'Sign in to the dashboard for this');
    } else requireScope(p, needed);
  }
  return next();
};
