import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { type AwsEnv, clientConfig } from './config.ts';

/**
 * An S3 client. Checksums are computed only when required: s3rver (the local stand-in)
 * corrupts streamed uploads otherwise, and AWS accepts it.
 */
export function createS3Client(options: {
  region: string;
  endpoint?: string;
  credentials?: S3ClientConfig['credentials'];
}): S3Client {
  return new S3Client({
    region: options.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The site bucket's client from the environment (s3rver locally, through S3_ENDPOINT). */
export const s3Client = (env: AwsEnv) => createS3Client(clientConfig(env, env.S3_ENDPOINT));

export interface SyncFile {
  path: string;
  body: Uint8Array;
  contentType: string;
  cacheClass: 'immutable' | 'short';
}

/** Hashed assets never change; pages and JSON are cached briefly by browsers, and by the CDN until invalidated (bounded at 5 minutes should an invalidation be lost). */
export const cacheControl = {
  immutable: 'public, max-age=31536000, immutable',
  short: 'public, max-age=30, s-maxage=300, stale-while-revalidate=60',
} as const;

export const siteKey = (tenantId: string, path: string) => `sites/${tenantId}/${path}`;
export const manifestKey = (tenantId: string) => `manifests/${tenantId}.json`;

type Manifest = Record<string, { hash: string }>;

export interface SyncResult {
  /** Tenant paths uploaded (new or changed), in upload order. */
  uploaded: string[];
  /** Tenant paths deleted because the new site no longer has them. */
  deleted: string[];
  /** Shared asset keys uploaded. */
  assets: string[];
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

async function readManifest(s3: S3Client, bucket: string, tenantId: string): Promise<Manifest> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(tenantId) }));
    return JSON.parse((await res.Body?.transformToString()) ?? '{}') as Manifest;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return {};
    throw error;
  }
}

function rank(f: SyncFile): number {
  if (f.cacheClass === 'immutable') return 0;
  return f.contentType.startsWith('text/html') ? 2 : 1;
}

/**
 * Uploads only what changed since the last manifest (by content hash), in an order that never
 * lets a reader see HTML linking a file that is not there yet: hashed assets, then JSON, feeds
 * and CSS, then HTML. The manifest is written next, and stale files are deleted last. A crash
 * anywhere leaves the old site intact plus harmless extra files; the next run finishes the job.
 * Reads a manifest object instead of listing the bucket (s3rver's paged listing is unreliable).
 */
export async function syncSite(options: {
  s3: S3Client;
  bucket: string;
  tenantId: string;
  files: SyncFile[];
  concurrency?: number;
  /**
   * Within a tier, files of a lower order are all uploaded before any of a higher order starts
   * (e.g. new detail pages before the pages that link them). Same order for all by default.
   */
  order?: (file: SyncFile) => number;
}): Promise<SyncResult> {
  const { s3, bucket, tenantId, files } = options;
  const previous = await readManifest(s3, bucket, tenantId);
  const next: Manifest = {};
  const changed: SyncFile[] = [];
  for (const f of files) {
    const hash = sha256(f.body);
    next[f.path] = { hash };
    if (previous[f.path]?.hash !== hash) changed.push(f);
  }
  const order = options.order ?? (() => 0);
  const phase = (f: SyncFile) => `${rank(f)}:${order(f)}`;
  changed.sort((a, b) => rank(a) - rank(b) || order(a) - order(b));
  const result: SyncResult = { uploaded: [], deleted: [], assets: [] };
  for (const current of new Set(changed.map(phase))) {
    const batch = changed.filter((f) => phase(f) === current);
    const limit = options.concurrency ?? 8;
    for (let i = 0; i < batch.length; i += limit) {
      await Promise.all(
        batch.slice(i, i + limit).map(async (f) => {
          const key = f.cacheClass === 'immutable' ? f.path : siteKey(tenantId, f.path);
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: f.body,
              ContentType: f.contentType,
              CacheControl: cacheControl[f.cacheClass],
              Metadata: { sha256: next[f.path]?.hash ?? '' },
            }),
          );
          if (f.cacheClass === 'immutable') result.assets.push(key);
          else result.uploaded.push(f.path);
        }),
      );
    }
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: manifestKey(tenantId),
      Body: JSON.stringify(next),
      ContentType: 'application/json',
      CacheControl: 'no-store',
    }),
  );
  // Shared assets are never deleted per tenant: other tenants (and cached HTML) may still link them.
  const stale = Object.keys(previous).filter((p) => !next[p] && !p.startsWith('assets/'));
  for (let i = 0; i < stale.length; i += 1000) {
    const chunk = stale.slice(i, i + 1000);
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: chunk.map((p) => ({ Key: siteKey(tenantId, p) })), Quiet: true },
      }),
    );
    result.deleted.push(...chunk);
  }
  return result;
}

/** The CDN paths a set of tenant files is cached under (after the viewer-request URI rewrite). */
export function cdnPaths(paths: string[]): string[] {
  return paths.map((p) => `/${p}`);
}

/** An object as the edge and the publisher's build store read it. */
export interface StoredObject {
  body: Uint8Array;
  contentType?: string;
  cacheControl?: string;
  etag?: string;
}

/** Reads one object; `null` when there is none (S3 says NoSuchKey, s3rver sometimes NotFound). */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<StoredObject | null> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = (await res.Body?.transformToByteArray()) ?? new Uint8Array();
    return {
      body,
      ...(res.ContentType ? { contentType: res.ContentType } : {}),
      ...(res.CacheControl ? { cacheControl: res.CacheControl } : {}),
      ...(res.ETag ? { etag: res.ETag } : {}),
    };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return null;
    throw error;
  }
}

/** Writes one object that is not served (build state): never cached. */
export async function writePrivateObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'no-store' }),
  );
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
