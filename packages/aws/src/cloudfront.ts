import { type CloudFrontClient, CreateInvalidationForDistributionTenantCommand } from '@aws-sdk/client-cloudfront';

export interface Invalidator {
  invalidate(tenantId: string, paths: string[]): Promise<void>;
}

/** Over this many paths, the workflow payload carries one wildcard instead of the list. */
export const wildcardThreshold = 15;

export function collapsePaths(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.length > wildcardThreshold ? ['/*'] : unique;
}

/**
 * What CloudFront is asked to invalidate. It bills every path of a request, and `/*` is one path
 * that covers only this distribution tenant's domain. So a publish that changed more than one path
 * (nearly all do: the page, its JSON and feeds) sends one wildcard: one billed path per domain per
 * publish instead of about ten (`npm run cost`). What it also drops, the tenant's cached hashed
 * assets, refills once from S3 at a fraction of a path's price.
 */
export function billedPaths(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.length > 1 ? ['/*'] : unique;
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
      const items = billedPaths(paths);
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
