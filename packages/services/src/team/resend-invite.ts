/**
 * Re-sends a pending invite with a new link and a new expiry; the old link stops working.
 * Writes: new token → invite points at it (conditional: still pending) → old token revoked.
 * A crash between leaves the old link valid until it expires, never two members.
 */
import { notFound } from '@upstate/core';
import { type AccountDeps, epoch, inviteTtlSeconds } from '../account/deps.ts';
import { newSecret } from '../account/secrets.ts';
import type { Actor } from './actor.ts';
import { sendInviteEmail } from './invite.ts';

export async function resendInvite(deps: AccountDeps, actor: Actor, input: { id: string }) {
  const record = await deps.store.invites.get(actor.tenantId, input.id);
  if (record?.status !== 'pending') throw notFound('Invite');
  const token = newSecret();
  const expiresAt = epoch(deps) + inviteTtlSeconds;
  await deps.store.tokens.create(token.hash, {
    purpose: 'invite',
    email: record.email,
    tenantId: actor.tenantId,
    inviteId: record.id,
    expiresAt,
  });
  await deps.store.invites.update(actor.tenantId, record.id, { tokenHash: token.hash, expiresAt });
  await deps.store.tokens.revoke(record.tokenHash);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'member.invite_resent',
    target: { type: 'invite', id: record.id },
    detail: {},
  });
  const updated = { ...record, tokenHash: token.hash, expiresAt };
  await sendInviteEmail(deps, updated, token.value);
  return updated;
}
