import { type CloudFrontClient, CreateInvalidationForDistributionTenantCommand } from '@aws-sdk/client-cloudfront';

export interface Invalidator {
  invalidate(tenantId: string, paths: string[]): Promise<void>;
}

/** Over this many paths, one wildcard is cheaper than listing them (CloudFront bills per path). */
export const wildcardThreshold = 15;

export function collapsePaths(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.length > wildcardThreshold ? ['/*'] : unique;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Invalidates exactly the tenant's changed paths on its CloudFront distribution tenant.
 * Retries with backoff while CloudFront answers TooManyInvalidationsInProgress.
 */
export function createCloudFrontInvalidator(options: {
  client: CloudFrontClient;
  /** Maps an Upstate tenant to its CloudFront distribution tenant id. */
  distributionTenantId: (tenantId: string) => Promise<string>;
  maxAttempts?: number;
  baseDelayMs?: number;
  callerReference?: () => string;
}): Invalidator {
  return {
    async invalidate(tenantId, paths) {
      if (!paths.length) return;
      const items = collapsePaths(paths);
      const id = await options.distributionTenantId(tenantId);
      const attempts = options.maxAttempts ?? 6;
      for (let attempt = 1; ; attempt++) {
        try {
          await options.client.send(
            new CreateInvalidationForDistributionTenantCommand({
              Id: id,
              InvalidationBatch: {
                CallerReference: options.callerReference?.() ?? `${tenantId}-${Date.now()}-${attempt}`,
                Paths: { Quantity: items.length, Items: items },
              },
            }),
          );
          return;
        } catch (error) {
          const name = (error as { name?: string }).name;
          if (name !== 'TooManyInvalidationsInProgress' || attempt >= attempts) throw error;
          await sleep((options.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
        }
      }
    },
  };
}
