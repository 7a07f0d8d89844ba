import type { S3Client } from '@aws-sdk/client-s3';
import {
  cdnPaths,
  collapsePaths,
  type Invalidator,
  reconcileExecutionName,
  type StartPublish,
  type SyncFile,
  syncSite,
} from '@upstate/aws';
import { AppError, type Log, type NotifyTrigger, type TenantSnapshot } from '@upstate/core';
import type { Store } from '@upstate/store';
import { loadSnapshot } from '@upstate/store';
import { z } from 'zod';
import {
  buildKey,
  buildMissing,
  buildPrefix,
  changedPaths,
  deleteBuild,
  type HashManifest,
  hashManifest,
  invalidatedManifestKey,
  invalidatedTargetsKey,
  type PendingInvalidation,
  pendingManifestKey,
  readBuild,
  readJsonObject,
  writeBuild,
  writeJsonObject,
} from './build.ts';

export type { Log } from '@upstate/core';

/** Renders a tenant's whole site (the real one is `renderSite` from `@upstate/render`). */
export type Renderer = (snapshot: TenantSnapshot) => Promise<SyncFile[]>;

/** What the task handlers need; the Lambda entry and the local publisher build one each. */
export interface PublisherDeps {
  store: Store;
  s3: S3Client;
  bucket: string;
  invalidator: Invalidator;
  renderer: Renderer;
  /**
   * Page URLs: `{scheme}://{first verified custom domain}`, else `{scheme}://{slug}.{platformDomain}`.
   * `apiBase` (the platform API's public URL) gives every page a `/subscribe/` form posting there.
   */
  site: { scheme: 'http' | 'https'; platformDomain: string; apiBase?: string };
  /** How long a lease lives unless renewed; each step renews it. Must outlive the longest Task attempt. */
  leaseTtlMs?: number;
  now?: () => Date;
  log?: Log;
  /** Told of every committed version, after the page shows it (the notify workflow). */
  notifyTrigger?: NotifyTrigger;
}

/** Every step renews the lease for this long; one Task attempt is at most 300 s (definition.ts). */
export const defaultLeaseTtlMs = 10 * 60_000;

const Version = z.number().int().min(0);
const Base = z.object({ tenantId: z.string().min(1).max(64), owner: z.string().min(1).max(80) });
const LeaseInput = Base.extend({ version: Version });
const RenderInput = Base;
// A run only ever reads and deletes builds under its own tenant's prefix.
const BuildInput = Base.extend({ version: Version, build: z.string().min(1).max(1024) }).refine(
  (event) => event.build.startsWith(buildPrefix(event.tenantId)) && !event.build.includes('..'),
  { message: "is not one of this tenant's builds", path: ['build'] },
);
const InvalidateInput = z.intersection(BuildInput, z.object({ paths: z.array(z.string().startsWith('/')).max(1000) }));
const ReleaseInput = Base;

export interface LeaseResult {
  tenantId: string;
  version: number;
  acquired: boolean;
  /** `held`: another run has a live lease and will loop; `current`: nothing newer than published. */
  reason: 'acquired' | 'held' | 'current';
}
export interface RenderResult {
  tenantId: string;
  version: number;
  build: string;
  files: number;
}
export interface SyncResultPayload {
  tenantId: string;
  version: number;
  build: string;
  /** CDN paths to invalidate, collapsed to one wildcard over the threshold (keeps the payload small). */
  paths: string[];
  uploaded: number;
  deleted: number;
}
export interface InvalidateResult {
  tenantId: string;
  version: number;
  build: string;
  invalidated: string[];
}
export interface CommitResult {
  tenantId: string;
  version: number;
  /** True when contentVersion moved on during the run and this run took the lease again: render again. */
  more: boolean;
}

// Deeper pages first: a new incident or maintenance page is in S3 before the history and front
// pages that link it (assets, CSS, JSON and feeds already go before any HTML).
const linkOrder = (file: SyncFile) => (file.contentType.startsWith('text/html') ? -file.path.split('/').length : 0);

// Errors get a distinct name because Step Functions matches Retry and Catch on the error name.
const named = (error: AppError, name: string) => Object.assign(error, { name });

function parse<T>(schema: z.ZodType<T>, event: unknown): T {
  const result = schema.safeParse(event);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'event';
    throw named(
      new AppError('validation_failed', `Invalid task input: ${field}: ${issue?.message}`, { field }),
      'InvalidInput',
    );
  }
  return result.data;
}

/**
 * The task handlers, as plain functions over injected deps: `lambda.ts` binds them to AWS clients,
 * the local publisher to the stand-ins. Each takes the Parameters object of its Task state.
 */
export function createHandlers(deps: PublisherDeps) {
  const { store, s3, bucket } = deps;
  const ttl = deps.leaseTtlMs ?? defaultLeaseTtlMs;
  const now = deps.now ?? (() => new Date());
  const log: Log = deps.log ?? (() => {});

  const holdLease = async (tenantId: string, owner: string) => {
    if (!(await store.publish.renewLease(tenantId, owner, ttl))) {
      // The lease expired and another run took it: that run publishes; this one must not write.
      throw named(
        new AppError('conflict', `Run ${owner} no longer holds the publish lease`, { field: 'owner' }),
        'LeaseLost',
      );
    }
  };

  return {
    /** Takes the tenant's lease unless another run holds a live one or nothing is waiting to publish. */
    async lease(event: unknown): Promise<LeaseResult> {
      const { tenantId, version, owner } = parse(LeaseInput, event);
      const state = await store.publish.get(tenantId);
      if (state.publishedVersion >= state.contentVersion) {
        return { tenantId, version: state.publishedVersion, acquired: false, reason: 'current' };
      }
      const acquired = await store.publish.acquireLease(tenantId, owner, ttl);
      log(acquired ? 'publish lease acquired' : 'publish lease held by another run', { tenantId, version, owner });
      return { tenantId, version, acquired, reason: acquired ? 'acquired' : 'held' };
    },

    /** Renders the site at the current contentVersion and stores the build in S3; only its key travels on. */
    async render(event: unknown): Promise<RenderResult> {
      const { tenantId, owner } = parse(RenderInput, event);
      await holdLease(tenantId, owner);
      // contentVersion is read before the content: the API writes first and bumps after, so every
      // write up to this version is in the snapshot read below (a later one only makes it fresher).
      const { contentVersion: version } = await store.publish.get(tenantId);
      // The snapshot only carries baseUrl through, so it is filled in once the domains are known; the
      // tenant record comes with the snapshot rather than from a second read.
      const [snapshot, domains] = await Promise.all([
        loadSnapshot(store, tenantId, { now: now(), baseUrl: '' }),
        store.domains.list(tenantId),
      ]);
      // Every host serving the tenant, for Invalidate; the page URL is the first verified custom
      // domain (sorted, so it is stable), else the platform subdomain.
      const platformHost = `${snapshot.tenant.slug}.${deps.site.platformDomain}`;
      const verified = domains
        .filter((d) => d.status === 'verified')
        .map((d) => d.domain)
        .sort();
      const hosts = [platformHost, ...verified];
      const url = `${deps.site.scheme}://${verified[0] ?? platformHost}`;
      const subscribeUrl = deps.site.apiBase
        ? `${deps.site.apiBase}/public/pages/${encodeURIComponent(snapshot.tenant.slug)}/subscribe`
        : undefined;
      const files = await deps.renderer({
        ...snapshot,
        baseUrl: url,
        contentVersion: version,
        ...(subscribeUrl ? { subscribeUrl } : {}),
      });
      const build = buildKey(tenantId, owner, version);
      await writeBuild(s3, bucket, build, { tenantId, version, hosts, files });
      log('rendered', { tenantId, version, files: files.length });
      return { tenantId, version, build, files: files.length };
    },

    /** Uploads the changed files in safe order and works out which CDN paths went stale. */
    async sync(event: unknown): Promise<SyncResultPayload> {
      const { tenantId, owner, version, build } = parse(BuildInput, event);
      await holdLease(tenantId, owner);
      const { files, hosts, tenantId: builtFor } = await readBuild(s3, bucket, build);
      if (builtFor !== tenantId) {
        throw named(
          new AppError('forbidden', 'The build belongs to another tenant', { field: 'build' }),
          'InvalidInput',
        );
      }
      const result = await syncSite({ s3, bucket, tenantId, files, order: linkOrder });
      // Diff against what the CDN was last invalidated for, not just against this upload: a run
      // that died after uploading but before invalidating left stale CDN entries that this
      // upload (finding nothing new) would otherwise never invalidate.
      const next = hashManifest(files);
      const previous = await readJsonObject<HashManifest>(s3, bucket, invalidatedManifestKey(tenantId));
      const changed = previous ? changedPaths(previous, next) : [...result.uploaded, ...result.deleted];
      await writeJsonObject(s3, bucket, pendingManifestKey(build), {
        manifest: next,
        hosts,
      } satisfies PendingInvalidation);
      const paths = collapsePaths(cdnPaths(changed));
      log('synced', { tenantId, version, uploaded: result.uploaded.length, deleted: result.deleted.length });
      return { tenantId, version, build, paths, uploaded: result.uploaded.length, deleted: result.deleted.length };
    },

    /**
     * Invalidates exactly the tenant's changed paths on every host Render found, then records what the
     * CDN now matches. A retry (Step Functions repeats the whole Task) skips the targets this build
     * already invalidated: each one is recorded under the build before the next is sent.
     */
    async invalidate(event: unknown): Promise<InvalidateResult> {
      const { tenantId, owner, version, build, paths } = parse(InvalidateInput, event);
      await holdLease(tenantId, owner);
      const pending = await readJsonObject<PendingInvalidation>(s3, bucket, pendingManifestKey(build));
      if (!pending?.manifest || !Array.isArray(pending.hosts)) throw buildMissing(pendingManifestKey(build));
      if (paths.length) {
        const progressKey = invalidatedTargetsKey(build);
        const done = (await readJsonObject<string[]>(s3, bucket, progressKey)) ?? [];
        await deps.invalidator.invalidate(tenantId, paths, {
          build,
          hosts: pending.hosts,
          done,
          async onInvalidated(target) {
            done.push(target);
            await writeJsonObject(s3, bucket, progressKey, done);
          },
        });
      }
      await writeJsonObject(s3, bucket, invalidatedManifestKey(tenantId), pending.manifest);
      log('invalidated', { tenantId, version, paths: paths.length });
      return { tenantId, version, build, invalidated: paths };
    },

    /**
     * Records publishedVersion (only grows), releases the lease, and takes it straight back when
     * contentVersion moved on meanwhile. Releasing before re-checking closes the race with a trigger
     * that found the lease held just before the release: its version is visible to the re-check.
     */
    async commit(event: unknown): Promise<CommitResult> {
      const { tenantId, owner, version, build } = parse(BuildInput, event);
      const held = await store.publish.renewLease(tenantId, owner, ttl);
      // A retried Commit whose first attempt got through (and released) finds its version published.
      const committed = held
        ? await store.publish.commitPublished(tenantId, version)
        : (await store.publish.get(tenantId)).publishedVersion >= version;
      if (!committed) {
        const state = await store.publish.get(tenantId);
        if (state.publishedVersion < version) {
          throw named(
            new AppError('conflict', `Run ${owner} lost the publish lease before committing`, { field: 'owner' }),
            'LeaseLost',
          );
        }
      }
      // The page now shows this version: its new timeline entries may go out. The notify run finds
      // which (none: it ends at once), is idempotent per version, and a lost start heals at the next commit.
      await deps.notifyTrigger?.requestNotify(tenantId, version).catch((error: unknown) => {
        log('notify trigger failed', { tenantId, version, error: String(error) });
      });
      try {
        await Promise.all(
          [build, pendingManifestKey(build), invalidatedTargetsKey(build)].map((key) => deleteBuild(s3, bucket, key)),
        );
      } catch (error) {
        // Builds also expire by an S3 lifecycle rule; a leftover one is harmless.
        log('build cleanup failed', { tenantId, build, error: String(error) });
      }
      await store.publish.releaseLease(tenantId, owner);
      const state = await store.publish.get(tenantId);
      const more =
        state.contentVersion > state.publishedVersion && (await store.publish.acquireLease(tenantId, owner, ttl));
      log('published', { tenantId, version, more });
      return { tenantId, version, more };
    },

    /** Releases the lease after a failure (a no-op when this run does not hold it). */
    async release(event: unknown): Promise<{ tenantId: string; released: boolean }> {
      const { tenantId, owner } = parse(ReleaseInput, event);
      const released = await store.publish.releaseLease(tenantId, owner);
      log('publish failed, lease released', { tenantId, owner, released });
      return { tenantId, released };
    },
  };
}

export type Handlers = ReturnType<typeof createHandlers>;

/**
 * Starts a publish for every tenant with unpublished content and no live lease (a lost trigger,
 * a crashed or failed run). Returns how many it started.
 */
export async function reconcileStale(deps: {
  store: Store;
  start: StartPublish;
  now?: () => Date;
  limit?: number;
  log?: Log;
}): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const stale = await deps.store.publish.listStale(deps.limit ?? 1000);
  const due = stale.filter((state) => !state.lease || new Date(state.lease.expiresAt) <= now);
  let started = 0;
  // A few starts at a time: a theme release leaves many tenants stale, and the run has a deadline.
  for (let i = 0; i < due.length; i += 10) {
    const batch = due.slice(i, i + 10);
    // allSettled: one tenant whose start keeps failing (throttling, a bad name) must not stop the run
    // for everyone; it is marked like the rest, so it moves behind them next time.
    const results = await Promise.allSettled(
      batch.map((state) =>
        deps.start(
          state.tenantId,
          state.contentVersion,
          reconcileExecutionName(state.tenantId, state.contentVersion, now),
        ),
      ),
    );
    results.forEach((r, j) => {
      if (r.status === 'fulfilled' && r.value) started++;
      if (r.status === 'rejected')
        deps.log?.('reconcile start failed', { tenantId: batch[j]?.tenantId, error: String(r.reason) });
    });
    await Promise.all(batch.map((state) => deps.store.publish.markReconcileAttempt(state.tenantId)));
  }
  deps.log?.('reconciled', { stale: stale.length, started });
  return started;
}
