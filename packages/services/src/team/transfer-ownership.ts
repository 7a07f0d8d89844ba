/**
 * An owner hands ownership to another member: the member becomes owner and the caller admin. One
 * conditional write on the team item (both roles as read, so of racing transfers exactly one lands;
 * the owner count does not change), then the audit entry. A stop after the write leaves the transfer
 * done without its audit line; a retry answers 409 (the caller is no longer an owner).
 */
import { AppError, notFound } from '@upstate/core';
import type { AccountDeps } from '../account/deps.ts';
import type { Actor } from './actor.ts';

export async function transferOwnership(deps: AccountDeps, actor: Actor, input: { userId: string }) {
  if (!actor.permissions.includes('owner') || actor.author.kind !== 'user')
    throw new AppError('forbidden', 'Only an owner can hand over ownership');
  const team = await deps.store.teams.get(actor.tenantId);
  const member = (id: string) => (team && Object.hasOwn(team.members, id) ? team.members[id] : undefined);
  const target = member(input.userId);
  const self = member(actor.author.id);
  if (!target) throw notFound('Member');
  if (input.userId === actor.author.id)
    throw new AppError('validation_failed', 'Choose another member: you are an owner already', { field: 'userId' });
  if (target.role === 'owner')
    throw new AppError('validation_failed', `${target.email} is an owner already`, { field: 'userId' });
  if (self?.role !== 'owner') throw new AppError('forbidden', 'Only an owner can hand over ownership');
  await deps.store.teams.transferOwnership(actor.tenantId, actor.author.id, input.userId, target.role);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'team.ownership_transferred',
    target: { type: 'member', id: input.userId },
    detail: { from: actor.author.id, previousRole: target.role },
  });
  return { ...target, role: 'owner' as const };
}
