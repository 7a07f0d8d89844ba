import { AppError, type CustomDomain, type DnsResolver, type DomainProvisioner, notFound } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { pageChanged } from '../page/changed.ts';
import { normaliseDomain } from './shared.ts';

// Checks the TXT record of a tenant's pending claim. The first tenant to prove it owns the domain;
// every other pending claim is dropped, and a claim on a domain someone else verified is dropped
// with a 409.
//
// Writes, in order: (1) the CDN alias (provisioner), (2) the verified ownership plus the sweep of
// the other claims (store), (3) the audit entry, (4) the content-version bump and publish trigger.
// Stopping after (1) leaves the domain pending with its alias ready: the next verify finishes it
// (the provisioner treats an existing alias of this tenant as done). Stopping inside (2) leaves
// other claims behind; they are dropped when their tenants verify or add again. Stopping after (2)
// or (3) leaves the page unpublished until the reconciler runs. If another tenant won between the
// check and (2), this tenant's alias is removed again (the provisioner never removes another's).

export interface VerifyDomainInput {
  actor: Actor;
  domain: string;
}

export interface VerifyDomainDeps extends ServiceDeps {
  dnsResolver: DnsResolver;
  domainProvisioner: DomainProvisioner;
}

export async function verifyDomain(deps: VerifyDomainDeps, input: VerifyDomainInput): Promise<CustomDomain> {
  const { store } = deps;
  const tenantId = input.actor.tenantId;
  const domain = normaliseDomain(input.domain);
  const current = await store.domains.get(tenantId, domain);
  if (!current) throw notFound('Domain');
  if (current.status === 'verified') return current;
  const owner = await store.domains.verifiedOwner(domain);
  if (owner !== undefined && owner !== tenantId) {
    await store.domains.remove(tenantId, domain);
    throw new AppError('conflict', 'This domain is verified by another account', { field: 'domain' });
  }
  let records: string[][] = [];
  try {
    records = await deps.dnsResolver.resolveTxt(current.txtRecordName);
  } catch {
    records = [];
  }
  if (!records.some((chunks) => chunks.join('') === current.txtRecordValue)) {
    return store.domains.markChecked(tenantId, domain);
  }
  // The CDN is provisioned before the domain counts as verified: if provisioning fails the domain
  // stays pending, so the next verify retries it instead of leaving a verified domain nothing serves.
  await deps.domainProvisioner.onVerified(tenantId, domain);
  let verified: CustomDomain;
  try {
    verified = await store.domains.verify(tenantId, domain);
  } catch (error) {
    if ((error as { code?: string }).code === 'conflict') await deps.domainProvisioner.onRemoved(tenantId, domain);
    throw error;
  }
  await audit(deps, input.actor, operationIdOf(input.actor, deps), 'domain.verified', { type: 'domain', id: domain });
  await pageChanged(deps, tenantId);
  return verified;
}
