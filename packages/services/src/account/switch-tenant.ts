/**
 * Moves a session to another tenant of the same person (the tenant switcher). Validation first: the
 * person must be a member there (read from the team item), else it looks like no such tenant. One
 * write (the session's tenant).
 */
import { AppError, type Role } from '@upstate/core';
import type { AccountDeps } from './deps.ts';
import { roleIn } from './sign-in.ts';

export async function switchTenant(
  deps: AccountDeps,
  input: { sessionHash: string; user: { id: string; email: string }; tenantId: string },
): Promise<{ role: Role }> {
  const membership = await roleIn(deps, input.tenantId, input.user);
  if (!membership) throw new AppError('not_found', 'Tenant not found', { field: 'tenantId' });
  await deps.store.sessions.setTenant(input.sessionHash, input.tenantId);
  return { role: membership.role };
}
