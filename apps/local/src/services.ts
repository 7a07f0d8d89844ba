import type { S3Client } from '@aws-sdk/client-s3';
import type { PublishTrigger } from '@upstate/api';
import { cdnPaths, type Invalidator, syncSite } from '@upstate/aws';
import { loadSnapshot, type Store } from '@upstate/store';
import type { Hono } from 'hono';

// Interfaces of @upstate/publisher and @upstate/dashboard, which are being built
// at the same time as this app. TEMPORARY: loaded by name so this app runs before they land; the
// fallback publisher below goes away once @upstate/publisher exists.

export interface LocalPublisher {
  trigger: PublishTrigger;
  reconcile(): Promise<number>;
  idle(): Promise<void>;
  close(): void;
}

async function optional<T>(specifier: string, warn: (message: string) => void): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    warn(`${specifier} is not available yet (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

export async function loadPublisher(
  options: { store: Store; s3: S3Client; bucket: string; invalidator: Invalidator; platformDomain: string },
  warn: (message: string) => void,
): Promise<LocalPublisher & { fallback: boolean }> {
  const mod = await optional<{ createLocalPublisher(o: unknown): LocalPublisher }>('@upstate/publisher', warn);
  if (mod?.createLocalPublisher) {
    const site = { scheme: 'http', platformDomain: options.platformDomain };
    return { ...mod.createLocalPublisher({ ...options, site }), fallback: false };
  }
  return { ...fallbackPublisher(options), fallback: true };
}

export async function loadDashboard(
  options: { api: unknown; config: unknown },
  warn: (message: string) => void,
): Promise<Hono | undefined> {
  const mod = await optional<{ createDashboard(o: unknown): Hono }>('@upstate/dashboard', warn);
  return mod?.createDashboard?.(options);
}

/** Render → sync → invalidate → commit, one run per tenant at a time (no Step Functions). */
function fallbackPublisher(options: {
  store: Store;
  s3: S3Client;
  bucket: string;
  invalidator: Invalidator;
  platformDomain: string;
}): LocalPublisher {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  async function publishOnce(tenantId: string) {
    const { renderSite } = await import('@upstate/render');
    const record = await options.store.tenants.require(tenantId);
    const snapshot = await loadSnapshot(options.store, tenantId, {
      now: new Date(),
      baseUrl: `http://${record.tenant.slug}.${options.platformDomain}`,
    });
    const files = await renderSite(snapshot);
    const result = await syncSite({ s3: options.s3, bucket: options.bucket, tenantId, files });
    await options.invalidator.invalidate(tenantId, cdnPaths([...result.uploaded, ...result.deleted]));
    await options.store.publish.commitPublished(tenantId, snapshot.contentVersion);
  }
  function request(tenantId: string): Promise<void> {
    const current = running.get(tenantId);
    if (current) {
      again.add(tenantId);
      return current;
    }
    const run = (async () => {
      do {
        again.delete(tenantId);
        await publishOnce(tenantId).catch((error) => console.error('publish failed', tenantId, error));
      } while (again.has(tenantId));
    })().finally(() => running.delete(tenantId));
    running.set(tenantId, run);
    return run;
  }
  return {
    trigger: {
      async requestPublish(tenantId) {
        void request(tenantId);
      },
    },
    async reconcile() {
      const stale = await options.store.publish.listStale();
      for (const s of stale) void request(s.tenantId);
      return stale.length;
    },
    async idle() {
      while (running.size) await Promise.all(running.values());
    },
    close() {},
  };
}
