import { type CloudFrontClient, CreateInvalidationForDistributionTenantCommand } from '@aws-sdk/client-cloudfront';

export interface Invalidator {
  invalidate(tenantId: string, paths: string[]): Promise<void>;
}

/** Over this many paths, one wildcard is cheaper than listing them (CloudFront bills per path). */
export const wildcardThreshold = 15;

/**
 * The paths of one invalidation. Over the threshold, the files under one top-level directory
 * become its wildcard (`/api/*`, `/badges/*`): one component change rewrites a dozen JSON and badge
 * files there, and a wildcard bills as one path. Root files stay exact (their wildcard is the
 * whole site); if that is still over the threshold, the whole site (`/*`).
 */
export function collapsePaths(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  if (unique.length <= wildcardThreshold) return unique;
  const byDirectory = new Map<string, string[]>();
  for (const path of unique) {
    const directory = path.indexOf('/', 1) > 0 ? path.slice(1, path.indexOf('/', 1)) : '';
    byDirectory.set(directory, [...(byDirectory.get(directory) ?? []), path]);
  }
  const collapsed = [...byDirectory].flatMap(([directory, list]) =>
    directory && list.length > 1 ? [`/${directory}/*`] : list,
  );
  return collapsed.length > wildcardThreshold ? ['/*'] : collapsed;
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
