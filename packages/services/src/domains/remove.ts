import type { DomainProvisioner } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, auditDomain, domainsChanged, normaliseDomain } from './shared.ts';

// Removes a tenant's custom domain: its pending claim, and its ownership if it had verified it.
//
// Writes, in order: (1) the store items (routing stops at once), (2) the CDN alias removal,
// (3) the audit entry, (4) the content-version bump and publish trigger. Stopping after (1) leaves
// an alias that routes to nothing (the edge routes verified domains only) and that the provisioner
// takes over when anyone verifies the domain again; after (2) or (3), the page is republished by the
// reconciler. 404 when the tenant has neither a claim nor the domain.

export interface RemoveDomainInput {
  actor: Actor;
  domain: string;
}

export interface RemoveDomainDeps extends ServiceDeps {
  domainProvisioner: DomainProvisioner;
}

export async function removeDomain(deps: RemoveDomainDeps, input: RemoveDomainInput): Promise<void> {
  const tenantId = input.actor.tenantId;
  const domain = normaliseDomain(input.domain);
  await deps.store.domains.remove(tenantId, domain);
  // Also after a pending removal: a verify that stopped after provisioning left an alias behind.
  await deps.domainProvisioner.onRemoved(tenantId, domain);
  await auditDomain(deps, input.actor, 'domain.removed', domain);
  await domainsChanged(deps, tenantId);
}
