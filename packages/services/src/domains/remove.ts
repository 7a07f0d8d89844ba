import type { DomainProvisioner } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { pageChanged } from '../page/changed.ts';
import { normaliseDomain } from './shared.ts';

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
  try {
    await deps.store.domains.remove(tenantId, domain);
  } catch (error) {
    // A retry of an attempt that failed after removing it finishes the rest instead of answering 404.
    if (!(input.actor.resumed && (error as { code?: string }).code === 'not_found')) throw error;
  }
  // Also after a pending removal: a verify that stopped after provisioning left an alias behind.
  await deps.domainProvisioner.onRemoved(tenantId, domain);
  await audit(deps, input.actor, operationIdOf(input.actor, deps), 'domain.removed', { type: 'domain', id: domain });
  await pageChanged(deps, tenantId);
}
