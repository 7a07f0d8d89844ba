import {
  type CloudFrontClient,
  type DistributionTenant,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { createCloudFrontInvalidator, type Invalidator } from '@upstate/aws';
import type { Store } from '@upstate/store';

/** The distribution tenant parameter naming the Upstate tenant (origin path `/sites/{{tenantId}}`). */
const tenantParameter = 'tenantId';

/**
 * Invalidates a tenant's paths on every CloudFront distribution tenant serving it: the one for its
 * platform subdomain and one per verified custom domain. A distribution tenant is used only if it
 * belongs to our distribution and its `tenantId` parameter names this tenant, so an invalidation can
 * never touch another tenant's cache.
 */
export function createTenantCdnInvalidator(options: {
  client: CloudFrontClient;
  store: Store;
  distributionId: string;
  platformDomain: string;
  log?: (message: string, detail?: Record<string, unknown>) => void;
  baseDelayMs?: number;
}): Invalidator {
  const { client, store } = options;
  // No cache of domain -> distribution tenant id: a domain can be removed and re-added (new id) or
  // move to another tenant, and the lookup is what checks ownership. One read per domain per publish.
  const lookup = async (tenantId: string, domain: string): Promise<string | undefined> => {
    let found: DistributionTenant | undefined;
    try {
      found = (await client.send(new GetDistributionTenantByDomainCommand({ Domain: domain }))).DistributionTenant;
    } catch (error) {
      if ((error as { name?: string }).name === 'EntityNotFound') return undefined;
      throw error;
    }
    const owner = found?.Parameters?.find((p) => p.Name === tenantParameter)?.Value;
    if (!found?.Id || found.DistributionId !== options.distributionId || owner !== tenantId) {
      options.log?.('distribution tenant skipped', { tenantId, domain, owner });
      return undefined;
    }
    return found.Id;
  };

  return {
    async invalidate(tenantId, paths) {
      if (!paths.length) return;
      const record = await store.tenants.require(tenantId);
      const domains = [
        `${record.tenant.slug}.${options.platformDomain}`,
        ...(await store.domains.list(tenantId)).filter((d) => d.status === 'verified').map((d) => d.domain),
      ];
      const targets = new Set<string>();
      for (const domain of domains) {
        const id = await lookup(tenantId, domain);
        if (id) targets.add(id);
      }
      for (const id of targets) {
        await createCloudFrontInvalidator({
          client,
          distributionTenantId: async () => id,
          ...(options.baseDelayMs ? { baseDelayMs: options.baseDelayMs } : {}),
        }).invalidate(tenantId, paths);
      }
    },
  };
}
