import { createHash } from 'node:crypto';
import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  type DistributionTenant,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import type { Log } from '@upstate/core';
import { type AwsEnv, clientConfig } from './config.ts';
import { tenantParameterName } from './domain-provisioner.ts';

/** CloudFront's control plane is global and signs in us-east-1, whatever the stage's region. */
export const cloudFrontClient = (env: AwsEnv) =>
  new CloudFrontClient(clientConfig({ ...env, AWS_REGION: 'us-east-1' }, env.CLOUDFRONT_ENDPOINT));

/** One publish run's invalidation: what Render read once, and what earlier attempts already did. */
export interface InvalidationRun {
  /** The build being published; with the target it makes the CloudFront caller reference. */
  build: string;
  /** Every hostname serving the tenant (platform subdomain, verified custom domains), read once per run. */
  hosts: readonly string[];
  /** Targets an earlier attempt of this Invalidate already invalidated for this build. */
  done: readonly string[];
  /** Records a target as invalidated before the next one is sent, so a retry skips it. */
  onInvalidated(target: string): Promise<void>;
}

export interface Invalidator {
  invalidate(tenantId: string, paths: string[], run: InvalidationRun): Promise<void>;
}

/** Over this many paths, the workflow payload carries one wildcard instead of the list. */
export const wildcardThreshold = 15;
export const directoryWildcardLimit = 10;

/**
 * The paths of one invalidation. Over the threshold, the files under one top-level directory
 * become its wildcard (`/api/*`, `/badges/*`): one component change rewrites a dozen JSON and badge
 * files there, and a wildcard bills as one path. Root files stay exact (their wildcard is the
 * whole site). More than `directoryWildcardLimit` entries even so is a site-wide change (a first
 * publish, a rebrand): the whole site (`/*`).
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
  return collapsed.length > directoryWildcardLimit ? ['/*'] : collapsed;
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

/**
 * The caller reference of one build's invalidation of one target. Deterministic: CloudFront answers a
 * repeat of the same reference and batch with the invalidation it already made instead of a new
 * (billed) one, so a retried step can never double an invalidation even if its progress record was lost.
 */
export const invalidationCallerReference = (build: string, target: string) =>
  `upstate-${createHash('sha256').update(`${build}\n${target}`).digest('hex').slice(0, 48)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `CreateInvalidationForDistributionTenant` for these paths (one `/*` when more than one changed:
 * `billedPaths`), retried with backoff while CloudFront answers TooManyInvalidationsInProgress.
 */
export async function invalidateDistributionTenant(options: {
  client: CloudFrontClient;
  distributionTenantId: string;
  paths: string[];
  callerReference: string;
  maxAttempts?: number;
  baseDelayMs?: number;
}): Promise<void> {
  const items = billedPaths(options.paths);
  if (!items.length) return;
  const attempts = options.maxAttempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      await options.client.send(
        new CreateInvalidationForDistributionTenantCommand({
          Id: options.distributionTenantId,
          InvalidationBatch: {
            CallerReference: options.callerReference,
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
}

/**
 * Invalidates a tenant's paths on every CloudFront distribution tenant serving one of its hosts. A
 * distribution tenant is used only if it belongs to our distribution and its `tenantId` parameter
 * names this tenant, so an invalidation can never touch another tenant's cache.
 */
export function createTenantCdnInvalidator(options: {
  client: CloudFrontClient;
  distributionId: string;
  log?: Log;
  baseDelayMs?: number;
}): Invalidator {
  const { client } = options;
  // No cache of domain -> distribution tenant id: a domain can be removed and re-added (new id) or
  // move to another tenant, and the lookup is what checks ownership. One read per host per run.
  const lookup = async (tenantId: string, domain: string): Promise<string | undefined> => {
    let found: DistributionTenant | undefined;
    try {
      found = (await client.send(new GetDistributionTenantByDomainCommand({ Domain: domain }))).DistributionTenant;
    } catch (error) {
      if ((error as { name?: string }).name === 'EntityNotFound') return undefined;
      throw error;
    }
    const owner = found?.Parameters?.find((p) => p.Name === tenantParameterName)?.Value;
    if (!found?.Id || found.DistributionId !== options.distributionId || owner !== tenantId) {
      options.log?.('distribution tenant skipped', { tenantId, domain, owner });
      return undefined;
    }
    return found.Id;
  };

  return {
    async invalidate(tenantId, paths, run) {
      if (!paths.length) return;
      const targets = new Set<string>();
      for (const host of run.hosts) {
        const id = await lookup(tenantId, host);
        if (id) targets.add(id);
      }
      const done = new Set(run.done);
      for (const id of targets) {
        if (done.has(id)) continue;
        await invalidateDistributionTenant({
          client,
          distributionTenantId: id,
          paths,
          callerReference: invalidationCallerReference(run.build, id),
          ...(options.baseDelayMs ? { baseDelayMs: options.baseDelayMs } : {}),
        });
        await run.onInvalidated(id);
      }
    },
  };
}
