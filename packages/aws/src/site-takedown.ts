import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { SiteTakedown } from '@upstate/core';
import type { Invalidator } from './cloudfront.ts';
import { manifestKey } from './s3.ts';

/** Every prefix and key under which the bucket holds one tenant's objects (the publisher's layout). */
export const tenantObjectPrefixes = (tenantId: string) => [`sites/${tenantId}/`, `builds/runs/${tenantId}/`];
export const tenantObjectKeys = (tenantId: string) => [manifestKey(tenantId), `builds/cdn/${tenantId}.json`];

/**
 * Deletes the tenant's objects, then invalidates `/*` on every distribution tenant serving its hosts
 * (after the objects are gone, so the CDN cannot refill from them). Shared hashed assets stay: other
 * tenants link them. Lists by prefix rather than reading the manifest: a sync that stopped before
 * writing its manifest leaves files the manifest does not name. The caller reference is fixed per
 * tenant, so a retried takedown never pays for a second invalidation.
 */
export function createSiteTakedown(options: { s3: S3Client; bucket: string; invalidator: Invalidator }): SiteTakedown {
  const { s3, bucket } = options;
  const remove = async (keys: string[]) => {
    for (let i = 0; i < keys.length; i += 1000) {
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  };
  return {
    async takeDown(tenantId, hosts) {
      for (const prefix of tenantObjectPrefixes(tenantId)) {
        // Each round deletes what it listed, so the next listing starts again from the first key
        // (no continuation token: s3rver's fail under OpenSSL 3).
        for (;;) {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
          if (!keys.length) break;
          await remove(keys);
          if (!page.IsTruncated) break;
        }
      }
      await remove(tenantObjectKeys(tenantId));
      await options.invalidator.invalidate(tenantId, ['/*'], {
        build: `takedown-${tenantId}`,
        hosts,
        done: [],
        onInvalidated: async () => {},
      });
    },
  };
}
