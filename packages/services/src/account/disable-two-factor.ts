/** Turns two-factor off; needs the password. Refused while a tenant of the person requires it. One write. */
import { AppError } from '@upstate/core';
import type { AccountDeps } from './deps.ts';
import { verifyPassword } from './passwords.ts';

export async function disableTwoFactor(deps: AccountDeps, input: { email: string; userId: string; password: string }) {
  const user = await deps.store.users.getByEmail(input.email);
  if (!user || !(await verifyPassword(input.password, user.passwordHash))) {
    await deps.store.throttles.fail(`signin:${input.email}`);
    throw new AppError('unauthorized', 'The password is wrong', { field: 'password' });
  }
  for (const tenantId of await deps.store.users.listMemberships(user.email)) {
    const team = await deps.store.teams.get(tenantId);
    if (team?.requireTwoFactor && team.members[user.id])
      throw new AppError('forbidden', 'A team you belong to requires two-factor sign-in');
  }
  await deps.store.users.disableTotp(user.email);
}
