import { AppError } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { DomainProvisioner } from './domains.ts';

type Log = (message: string, detail?: Record<string, unknown>) => void;

/**
 * Provisions a page domain on the CDN; a failure is recorded for the provisioning reconciler and
 * rethrown. A conflict (the domain is attached elsewhere) is the tenant's to resolve, so it is not
 * queued: retrying could never succeed.
 */
export async function provisionOrQueue(
  deps: { store: Store; domainProvisioner: DomainProvisioner },
  tenantId: string,
  domain: string,
): Promise<void> {
  try {
    await deps.domainProvisioner.onVerified(tenantId, domain);
  } catch (error) {
    if (!(error instanceof AppError)) await deps.store.provisioning.recordFailure(tenantId, domain, String(error));
    throw error;
  }
}

/** The provisioner, with every failed `onVerified` queued for the reconciler (see `provisionOrQueue`). */
export function queueingProvisioner(deps: { store: Store; domainProvisioner: DomainProvisioner }): DomainProvisioner {
  return {
    onVerified: (tenantId, domain) => provisionOrQueue(deps, tenantId, domain),
    onRemoved: (tenantId, domain) => deps.domainProvisioner.onRemoved(tenantId, domain),
  };
}

/**
 * The provisioning reconciler (scheduled): retries every queued page domain until the CDN accepts
 * it. An entry whose domain no longer belongs to its tenant (the tenant renamed its slug, or removed
 * the custom domain) is dropped instead of provisioned. If it stops after provisioning and before
 * resolving the entry, the next run provisions again, which the provisioner treats as done.
 */
export async function retryProvisioning(deps: {
  store: Store;
  domainProvisioner: DomainProvisioner;
  platformDomain: string;
  log?: Log;
  limit?: number;
}): Promise<{ pending: number; provisioned: number; dropped: number; failed: number }> {
  const log = deps.log ?? (() => {});
  const pending = await deps.store.provisioning.listPending(deps.limit ?? 50);
  const result = { pending: pending.length, provisioned: 0, dropped: 0, failed: 0 };
  for (const entry of pending) {
    const { tenantId, domain } = entry;
    const tenant = await deps.store.tenants.get(tenantId);
    const wanted =
      tenant &&
      (domain === `${tenant.tenant.slug}.${deps.platformDomain}` ||
        (await deps.store.domains.get(tenantId, domain)) !== undefined);
    if (!wanted) {
      await deps.store.provisioning.resolve(tenantId, domain);
      result.dropped++;
      continue;
    }
    try {
      await deps.domainProvisioner.onVerified(tenantId, domain);
      await deps.store.provisioning.resolve(tenantId, domain);
      result.provisioned++;
      log('page domain provisioned on retry', { tenantId, domain, attempts: entry.attempts + 1 });
    } catch (error) {
      result.failed++;
      // An AppError (attached elsewhere meanwhile) stays queued too: the dashboard tells the tenant why.
      const reason = error instanceof AppError ? error.message : String(error);
      await deps.store.provisioning.recordFailure(tenantId, domain, reason);
      log('page domain provisioning failed again', {
        tenantId,
        domain,
        attempts: entry.attempts + 1,
        error: String(error),
      });
    }
  }
  return result;
}
