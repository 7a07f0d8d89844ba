import { AppError, type CustomDomain, DomainName, randomToken } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { normaliseDomain } from './shared.ts';

// Adds a pending claim on a custom domain for one tenant. Claims are per tenant, so nobody's
// pending claim blocks anybody else's (the squatting of issue 14): only a verified domain is taken.
//
// Writes, in order: (1) the tenant's claim, (2) the audit entry. Stopping after (1) leaves a pending
// claim without its audit entry; it routes nothing, and adding it again answers 409 "already added".
// Nothing is published: a pending domain is on no page.

export const challengeRecordName = (domain: string) => `_upstate-challenge.${domain}`;

export interface AddDomainInput {
  actor: Actor;
  domain: string;
  /** The platform's own host (`status.example.net`): its subdomains are never a tenant's custom domain. */
  platformHost: string;
}

export async function addDomain(deps: ServiceDeps, input: AddDomainInput): Promise<CustomDomain> {
  const parsed = DomainName.safeParse(normaliseDomain(input.domain));
  if (!parsed.success) throw new AppError('validation_failed', 'Must be a domain name', { field: 'domain' });
  const domain = parsed.data;
  const platform = input.platformHost.split(':')[0]?.toLowerCase() ?? '';
  if (domain === platform || domain.endsWith(`.${platform}`)) {
    throw new AppError('validation_failed', 'Use your own domain, not a platform subdomain', { field: 'domain' });
  }
  // A retry of an attempt that failed after its claim finds the claim and only finishes (audit).
  const earlier = input.actor.resumed ? await deps.store.domains.get(input.actor.tenantId, domain) : undefined;
  if (earlier) {
    await audit(deps, input.actor, operationIdOf(input.actor, deps), 'domain.added', { type: 'domain', id: domain });
    return earlier;
  }
  const created = await deps.store.domains.add({
    tenantId: input.actor.tenantId,
    domain,
    status: 'pending',
    txtRecordName: challengeRecordName(domain),
    txtRecordValue: `upstate-verify=${randomToken(16)}`,
    createdAt: deps.now().toISOString(),
    verifiedAt: null,
    lastCheckedAt: null,
  });
  await audit(deps, input.actor, operationIdOf(input.actor, deps), 'domain.added', { type: 'domain', id: domain });
  return created;
}
