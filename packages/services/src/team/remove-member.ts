/**
 * Removes a member. Every request of a member reads the team item, so the removal ends their access
 * (sessions and all) on their very next request. Writes: team item (conditional: role as read, and
 * another owner left when removing an owner) → the person's membership link → audit. A crash after
 * the first leaves a stale link that the tenant switcher ignores (it checks the team).
 */
import { AppError, notFound } from '@upstate/core';
import type { AccountDeps } from '../account/deps.ts';
import type { Actor } from './actor.ts';

export async function removeMember(deps: AccountDeps, actor: Actor, input: { userId: string }) {
  const team = await deps.store.teams.get(actor.tenantId);
  // An own property only: an id such as `__proto__` names no member.
  const member = team && Object.hasOwn(team.members, input.userId) ? team.members[input.userId] : undefined;
  if (!member) throw notFound('Member');
  if (member.role === 'owner' && !actor.permissions.includes('owner'))
    throw new AppError('forbidden', 'Only an owner can remove an owner', { field: 'userId' });
  await deps.store.teams.removeMember(actor.tenantId, input.userId, member.role);
  await deps.store.users.removeMembership(member.email, actor.tenantId);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'member.removed',
    target: { type: 'member', id: input.userId },
    detail: { role: member.role },
  });
}
