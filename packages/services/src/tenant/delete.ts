import { AppError, type DomainProvisioner, type SiteTakedown } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../operation.ts';

// Deletes a tenant: its page, its custom domains, every item it owns, its slug. Owners only (the
// route checks the permission; this checks the typed slug).
//
// Writes, in order, each idempotent:
//  (1) the tenant item is marked `deletingAt` and moves from the tenant directory to the DELETING
//      queue. From here `tenants.get` and `getBySlug` answer "no such tenant": the edge stops routing
//      the slug, publishes stop, and authentication (which reads the tenant) refuses every key and
//      session of it. A crash after (1) leaves a tenant the reconciler (`resumeTenantDeletions`)
//      finishes by running this whole sequence again.
//  (2) the team item is marked: sign-in and the tenant switcher no longer open it.
//  (3) the API keys (and their idempotency records) are deleted.
//  (4) the page is taken down: the site bucket's objects of the tenant, then the CDN's cache; not while
//      a publish holds the tenant's lease (it could upload after the takedown): the retry waits it out.
//  (5) custom domains are released (ownership and claims, then the CDN alias) so another tenant can
//      claim them; the page subdomain's alias and any queued provisioning of it go too.
//  (6) every other item (sessions of members on this tenant, then everything found through another
//      item before the item that finds it, then the tenant's partitions, the audit trail last).
//  (7) members' switcher entries; an account created with this tenant is pointed at another tenant
//      it belongs to, or at none (a login with no team: sign-in answers `no_team`, invites still work).
//  (8) the team item, (9) the slug (conditional on this tenant holding it), (10) the tenant item,
//      which takes it out of the DELETING queue: the deletion is done.
// A crash after any of (2)–(9) leaves the tenant item in the queue, already invisible and inert;
// the retry re-reads what is left and deletes it. Not covered: a request that passed authentication
// just before (1) and writes after (6) leaves an item nothing reaches any more (no slug, team or key).

export interface DeleteTenantDeps extends ServiceDeps {
  siteTakedown: SiteTakedown;
  domainProvisioner: DomainProvisioner;
  /** Pages live at `{slug}.{platformDomain}`. */
  platformDomain: string;
}

export interface DeleteTenantInput {
  actor: Actor;
  /** The tenant's slug, typed by the owner to confirm. */
  confirm: string;
}

/** Starts and (normally) finishes the deletion. `deleting` means the reconciler finishes it. */
export async function deleteTenant(
  deps: DeleteTenantDeps,
  input: DeleteTenantInput,
): Promise<{ status: 'deleted' | 'deleting' }> {
  const tenantId = input.actor.tenantId;
  const current = await deps.store.tenantDeletion.get(tenantId);
  if (!current) return { status: 'deleted' };
  if (!current.deletingAt && input.confirm.trim().toLowerCase() !== current.tenant.slug)
    throw new AppError('validation_failed', `Type the page address "${current.tenant.slug}" to confirm`, {
      field: 'confirm',
    });
  await deps.store.tenantDeletion.mark(tenantId);
  deps.log('tenant deletion started', { tenantId, by: input.actor.author.id });
  try {
    await finishTenantDeletion(deps, tenantId);
    return { status: 'deleted' };
  } catch (error) {
    // Marked and invisible already: the reconciler completes it; the caller is told it is under way.
    deps.log('tenant deletion failed; the reconciler retries', { tenantId, error: String(error) });
    return { status: 'deleting' };
  }
}

/** Steps (1)–(10) for a tenant already marked (or a retry of them). */
export async function finishTenantDeletion(deps: DeleteTenantDeps, tenantId: string): Promise<void> {
  const { store } = deps;
  const record = await store.tenantDeletion.mark(tenantId);
  if (!record) return;
  const slug = record.tenant.slug;
  await store.tenantDeletion.markTeam(tenantId);
  await store.tenantDeletion.deleteItems(await store.tenantDeletion.apiKeyItems(tenantId));

  // A publish that rendered before the mark could still upload after the takedown: wait for its lease
  // (the next run of this finds no tenant to render, so none starts after it).
  const { lease } = await store.publish.get(tenantId);
  if (lease && Date.parse(lease.expiresAt) > deps.now().getTime())
    throw new AppError('conflict', 'A publish of this page is still running; the deletion finishes after it');
  const pageHost = `${slug}.${deps.platformDomain}`;
  const domains = await store.domains.list(tenantId);
  await deps.siteTakedown.takeDown(tenantId, [
    pageHost,
    ...domains.filter((d) => d.status === 'verified').map((d) => d.domain),
  ]);
  for (const d of domains) {
    await store.domains.remove(tenantId, d.domain).catch((error) => {
      if ((error as { code?: string }).code !== 'not_found') throw error;
    });
    await deps.domainProvisioner.onRemoved(tenantId, d.domain);
  }
  await deps.domainProvisioner.onRemoved(tenantId, pageHost);
  for (const pending of await store.provisioning.listForTenant(tenantId))
    await store.provisioning.resolve(tenantId, pending.domain);

  const team = await store.teams.get(tenantId);
  const members = Object.values(team?.members ?? {});
  for (const member of members) {
    const sessions = await store.sessions.listByUser(member.userId);
    for (const s of sessions) if (s.tenantId === tenantId) await store.sessions.delete(s.hash);
  }
  await store.tenantDeletion.deleteItems(await store.tenantDeletion.dataItems(tenantId));

  for (const member of members) await rehome(store, member.email, tenantId);
  await store.tenantDeletion.deleteTeam(tenantId);
  await store.tenantDeletion.releaseSlug(slug, tenantId);
  await store.tenantDeletion.deleteTenant(tenantId);
  deps.log('tenant deleted', { tenantId });
}

async function rehome(store: Store, email: string, tenantId: string): Promise<void> {
  await store.users.removeMembership(email, tenantId);
  const user = await store.users.getByEmail(email);
  if (user?.tenantId !== tenantId) return;
  const others = await store.users.listMemberships(email);
  await store.tenantDeletion.rehomeUser(email, tenantId, others[0]);
}

/** The reconciler's pass: finishes every deletion a crash or a failing step left under way. */
export async function resumeTenantDeletions(deps: DeleteTenantDeps): Promise<number> {
  let finished = 0;
  for (const tenantId of await deps.store.tenantDeletion.listDeleting()) {
    try {
      await finishTenantDeletion(deps, tenantId);
      finished++;
    } catch (error) {
      deps.log('tenant deletion retry failed', { tenantId, error: String(error) });
    }
  }
  return finished;
}
