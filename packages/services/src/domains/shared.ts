import type { Author } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/** The caller of a domain use case: the tenant and who acts for it (API key or user). */
export interface Actor {
  tenantId: string;
  author: Author;
}

export const normaliseDomain = (domain: string) => domain.trim().toLowerCase();

export async function auditDomain(deps: ServiceDeps, actor: Actor, action: string, domain: string): Promise<void> {
  await deps.store.audit.append({
    tenantId: actor.tenantId,
    author: actor.author,
    action,
    target: { type: 'domain', id: domain },
    detail: {},
  });
}

/** Bumps contentVersion and asks for a publish; a failing trigger is retried briefly, then left to the reconciler. */
export async function domainsChanged(deps: ServiceDeps, tenantId: string): Promise<void> {
  const version = await deps.store.publish.bumpContentVersion(tenantId);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await deps.publishTrigger.requestPublish(tenantId, version);
      return;
    } catch (error) {
      deps.log('publish trigger failed', { tenantId, version, attempt, error: String(error) });
      await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }
}
