/** Revokes a pending invite. Writes: invite revoked (conditional: pending) → its token revoked → audit. */
import { notFound } from '@upstate/core';
import type { AccountDeps } from '../account/deps.ts';
import type { Actor } from './actor.ts';

export async function revokeInvite(deps: AccountDeps, actor: Actor, input: { id: string }) {
  const record = await deps.store.invites.get(actor.tenantId, input.id);
  if (record?.status !== 'pending') throw notFound('Invite');
  await deps.store.invites.update(actor.tenantId, record.id, { status: 'revoked' });
  await deps.store.tokens.revoke(record.tokenHash);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'member.invite_revoked',
    target: { type: 'invite', id: record.id },
    detail: {},
  });
}
