/**
 * Invites a person by email. Nobody can hand out a role with more than they hold (only owners
 * invite owners). Writes: the token, then the invite (pending), then the audit entry; a crash
 * after the token leaves a token with no invite (accept refuses it), after the invite an invite
 * that can be re-sent or revoked.
 */
import { AppError, canGrant, newId, type Role } from '@upstate/core';
import type { Invite } from '@upstate/store';
import { type AccountDeps, epoch, inviteTtlSeconds, sendAccountEmail } from '../account/deps.ts';
import { newSecret } from '../account/secrets.ts';
import type { Actor } from './actor.ts';

export async function invite(deps: AccountDeps, actor: Actor, input: { email: string; role: Role }): Promise<Invite> {
  const email = input.email.toLowerCase();
  if (!canGrant(actor.permissions, input.role))
    throw new AppError('forbidden', `You may not invite someone as ${input.role}`, { field: 'role' });
  const team = await deps.store.teams.get(actor.tenantId);
  if (team && Object.values(team.members).some((m) => m.email === email))
    throw new AppError('conflict', 'This person is already a member', { field: 'email' });
  const pending = (await deps.store.invites.list(actor.tenantId)).filter(
    (i) => i.status === 'pending' && i.email === email && i.expiresAt > epoch(deps),
  );
  if (pending.length > 0)
    throw new AppError('conflict', 'This person already has a pending invite; re-send it instead', {
      field: 'email',
    });
  const token = newSecret();
  const id = newId();
  const expiresAt = epoch(deps) + inviteTtlSeconds;
  await deps.store.tokens.create(token.hash, {
    purpose: 'invite',
    email,
    tenantId: actor.tenantId,
    inviteId: id,
    expiresAt,
  });
  const record: Invite = {
    id,
    tenantId: actor.tenantId,
    email,
    role: input.role,
    invitedBy: actor.author.label,
    createdAt: deps.now().toISOString(),
    expiresAt,
    tokenHash: token.hash,
    status: 'pending',
  };
  await deps.store.invites.create(record);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'member.invited',
    target: { type: 'invite', id },
    detail: { role: input.role },
  });
  await sendInviteEmail(deps, record, token.value);
  return record;
}

export async function sendInviteEmail(deps: AccountDeps, record: Invite, token: string) {
  const tenant = await deps.store.tenants.get(record.tenantId);
  await sendAccountEmail(deps, record.email, `You are invited to a status page team on Upstate`, [
    `${record.invitedBy} invited you to join "${tenant?.tenant.name ?? 'a status page'}" on Upstate as ${record.role}.`,
    '',
    `Accept: ${deps.dashboardUrl}/invite?token=${token}`,
    '',
    'The link works once and expires in 7 days.',
  ]);
}
