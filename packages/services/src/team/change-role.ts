/**
 * Changes a member's role. Owners alone make or unmake owners; nobody grants more than they hold.
 * One conditional write on the team item, which also keeps at least one owner (`ownerCount > 1`
 * before an owner is demoted), then the audit entry.
 */
import { AppError, canGrant, notFound, type Role } from '@upstate/core';
import type { AccountDeps } from '../account/deps.ts';
import type { Actor } from './actor.ts';

export async function changeRole(deps: AccountDeps, actor: Actor, input: { userId: string; role: Role }) {
  const team = await deps.store.teams.get(actor.tenantId);
  // An own property only: an id such as `__proto__` names no member.
  const member = team && Object.hasOwn(team.members, input.userId) ? team.members[input.userId] : undefined;
  if (!member) throw notFound('Member');
  if ((member.role === 'owner' || input.role === 'owner') && !actor.permissions.includes('owner'))
    throw new AppError('forbidden', 'Only an owner can make or unmake owners', { field: 'role' });
  if (!canGrant(actor.permissions, input.role))
    throw new AppError('forbidden', `You may not make someone ${input.role}`, { field: 'role' });
  await deps.store.teams.setRole(actor.tenantId, input.userId, member.role, input.role);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'member.role_changed',
    target: { type: 'member', id: input.userId },
    detail: { from: member.role, to: input.role },
  });
  return { ...member, role: input.role };
}
