import { z } from 'zod';
import { AppError } from './errors.ts';
import type { ApiKeyScope } from './schemas.ts';

/**
 * What a route may ask of its caller. Routes name one permission each; who holds it is decided
 * here and nowhere else, for people (roles) and API keys (scopes) alike.
 * - `read`: everything a GET shows, the audit log included.
 * - `incidents`: incidents, their updates, maintenance.
 * - `components`: components, groups, their status, monitors.
 * - `admin`: branding and tenant settings, API keys, domains.
 * - `team`: members and invites.
 * - `owner`: ownership itself (making or unmaking owners, transferring it) and deleting the tenant.
 */
export const Permission = z.enum(['read', 'incidents', 'components', 'admin', 'team', 'owner']);
export type Permission = z.infer<typeof Permission>;

export const Role = z.enum(['owner', 'admin', 'editor', 'viewer']);
export type Role = z.infer<typeof Role>;

/** The one table of who may do what. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: ['read', 'incidents', 'components', 'admin', 'team', 'owner'],
  admin: ['read', 'incidents', 'components', 'admin', 'team'],
  editor: ['read', 'incidents', 'components'],
  viewer: ['read'],
};

/**
 * API key scopes on the same permissions. A key is never an owner (ownership belongs to a person),
 * and an `admin` key may manage the team like an admin member.
 */
export const scopePermissions: Record<ApiKeyScope, readonly Permission[]> = {
  admin: rolePermissions.admin,
  incidents: ['read', 'incidents'],
  components: ['read', 'components'],
  read: ['read'],
};

export function permissionsOfScopes(scopes: readonly ApiKeyScope[]): Permission[] {
  return [...new Set(scopes.flatMap((s) => scopePermissions[s]))];
}

const what: Record<Permission, string> = {
  read: 'read this tenant',
  incidents: 'manage incidents and maintenance',
  components: 'manage components and monitors',
  admin: 'change settings, branding, keys and domains',
  team: 'manage the team',
  owner: 'change ownership or delete this page',
};

/** Throws 403 naming what is missing, in words a member can act on. */
export function requirePermission(
  held: { permissions: readonly Permission[]; role?: Role | undefined; via: 'api_key' | 'session' },
  permission: Permission,
): void {
  if (held.permissions.includes(permission)) return;
  const who = held.via === 'session' && held.role ? `Your role (${held.role})` : 'This API key';
  throw new AppError('forbidden', `${who} may not ${what[permission]}. Ask an owner or admin of this page.`);
}

/** Roles a member may hand out: never more than they hold, and only owners make owners. */
export function canGrant(granter: readonly Permission[], role: Role): boolean {
  return rolePermissions[role].every((p) => granter.includes(p));
}
