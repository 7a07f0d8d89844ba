import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SyncFile } from '@upstate/aws';
import { AppError } from '@upstate/core';

// A rendered site is far bigger than the 256 KB Step Functions payload limit, so Render writes it
// to S3 as one gzipped object under `builds/` (never served: the CDN origin path is `sites/`,
// `assets/`) and only the key travels through the state payload.

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

interface StoredBuild {
  tenantId: string;
  version: number;
  files: { path: string; contentType: string; cacheClass: SyncFile['cacheClass']; body: string }[];
}

/**
 * The build object of one run at one version; the execution name keeps concurrent runs apart.
 * `builds/runs/` may expire by a lifecycle rule (a failed run leaves its build behind).
 */
export const buildKey = (tenantId: string, owner: string, version: number) =>
  `${buildPrefix(tenantId)}${encodeURIComponent(owner)}/v${version}.json.gz`;

export const buildPrefix = (tenantId: string) => `builds/runs/${tenantId}/`;

/**
 * What the CDN was last invalidated against: path -> content hash of the tenant's files. Under
 * `builds/` (the only prefix tasks other than Sync may write) but outside the expiring `builds/runs/`.
 */
export const invalidatedManifestKey = (tenantId: string) => `builds/cdn/${tenantId}.json`;

export type HashManifest = Record<string, string>;

export async function writeBuild(
  s3: S3Client,
  bucket: string,
  key: string,
  build: { tenantId: string; version: number; files: SyncFile[] },
): Promise<void> {
  const stored: StoredBuild = {
    tenantId: build.tenantId,
    version: build.version,
    files: build.files.map((f) => ({
      path: f.path,
      contentType: f.contentType,
      cacheClass: f.cacheClass,
      body: Buffer.from(f.body).toString('base64'),
    })),
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: await gzipAsync(JSON.stringify(stored)),
      ContentType: 'application/gzip',
      CacheControl: 'no-store',
    }),
  );
}

export async function readBuild(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ tenantId: string; version: number; files: SyncFile[] }> {
  let bytes: Uint8Array | undefined;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes = await res.Body?.transformToByteArray();
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') {
      // Named for the state machine: a missing build is not fixed by retrying the same step.
      throw Object.assign(new AppError('not_found', `Build ${key} is gone`, { field: 'build' }), {
        name: 'BuildMissing',
      });
    }
    throw error;
  }
  const stored = JSON.parse((await gunzipAsync(bytes ?? new Uint8Array())).toString('utf8')) as StoredBuild;
  return {
    tenantId: stored.tenantId,
    version: stored.version,
    files: stored.files.map((f) => ({ ...f, body: new Uint8Array(Buffer.from(f.body, 'base64')) })),
  };
}

export async function deleteBuild(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** Content hashes of the tenant's own files (shared hashed assets are immutable and never invalidated). */
export function hashManifest(files: SyncFile[]): HashManifest {
  const out: HashManifest = {};
  for (const f of files) if (f.cacheClass !== 'immutable') out[f.path] = sha256(f.body);
  return out;
}

/** Paths whose content differs between two manifests, including paths that appeared or went away. */
export function changedPaths(previous: HashManifest, next: HashManifest): string[] {
  const paths = new Set<string>();
  for (const [path, hash] of Object.entries(next)) if (previous[path] !== hash) paths.add(path);
  for (const path of Object.keys(previous)) if (!(path in next)) paths.add(path);
  return [...paths].sort();
}

/** The hash manifest of one build, written by Sync for Invalidate (which then needs no build read). */
export const pendingManifestKey = (build: string) => `${build}.cdn.json`;

export async function readManifestObject(s3: S3Client, bucket: string, key: string): Promise<HashManifest | null> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await res.Body?.transformToString()) ?? '{}') as HashManifest;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null;
    throw error;
  }
}

export async function writeManifestObject(
  s3: S3Client,
  bucket: string,
  key: string,
  manifest: HashManifest,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(manifest),
      ContentType: 'application/json',
      CacheControl: 'no-store',
    }),
  );
}
