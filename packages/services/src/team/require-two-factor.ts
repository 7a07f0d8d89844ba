/** Owners can require two-factor sign-in for the whole tenant. One write on the team item, then the audit. */
import { AppError } from '@upstate/core';
import type { AccountDeps } from '../account/deps.ts';
import type { Actor } from './actor.ts';

export async function requireTwoFactor(deps: AccountDeps, actor: Actor, input: { required: boolean }) {
  if (!actor.permissions.includes('owner'))
    throw new AppError('forbidden', 'Only an owner can change the two-factor rule', { field: 'requireTwoFactor' });
  await deps.store.teams.setRequireTwoFactor(actor.tenantId, input.required);
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action: 'team.two_factor_rule',
    target: { type: 'tenant', id: actor.tenantId },
    detail: { required: input.required },
  });
}
