import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteObject, readObject, type SyncFile, writePrivateObject } from '@upstate/aws';
import { AppError } from '@upstate/core';

// A rendered site is far bigger than the 256 KB Step Functions payload limit, so Render writes it
// to S3 as one gzipped object under `builds/` (never served: the CDN origin path is `sites/`,
// `assets/`) and only the key travels through the state payload.

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

interface StoredBuild {
  tenantId: string;
  version: number;
  hosts: string[];
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

/** What Render hands on: the site, and the hosts serving it (read once per run, used by Invalidate). */
export interface Build {
  tenantId: string;
  version: number;
  hosts: string[];
  files: SyncFile[];
}

export async function writeBuild(s3: S3Client, bucket: string, key: string, build: Build): Promise<void> {
  const stored: StoredBuild = {
    tenantId: build.tenantId,
    version: build.version,
    hosts: build.hosts,
    files: build.files.map((f) => ({
      path: f.path,
      contentType: f.contentType,
      cacheClass: f.cacheClass,
      body: Buffer.from(f.body).toString('base64'),
    })),
  };
  await writePrivateObject(s3, bucket, key, await gzipAsync(JSON.stringify(stored)), 'application/gzip');
}

export async function readBuild(s3: S3Client, bucket: string, key: string): Promise<Build> {
  const object = await readObject(s3, bucket, key);
  // Named for the state machine: a missing build is not fixed by retrying the same step.
  if (!object) throw buildMissing(key);
  const stored = JSON.parse((await gunzipAsync(object.body)).toString('utf8')) as StoredBuild;
  // A build from before hosts travelled with it cannot be invalidated correctly: render it again.
  if (!Array.isArray(stored.hosts)) throw buildMissing(key);
  return {
    tenantId: stored.tenantId,
    version: stored.version,
    hosts: stored.hosts,
    files: stored.files.map((f) => ({ ...f, body: new Uint8Array(Buffer.from(f.body, 'base64')) })),
  };
}

export const buildMissing = (key: string) =>
  Object.assign(new AppError('not_found', `Build ${key} is gone`, { field: 'build' }), { name: 'BuildMissing' });

export async function deleteBuild(s3: S3Client, bucket: string, key: string): Promise<void> {
  await deleteObject(s3, bucket, key);
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

/** What Sync hands Invalidate for one build: its hash manifest and the hosts Render found. */
export interface PendingInvalidation {
  manifest: HashManifest;
  hosts: string[];
}

/** Written by Sync for Invalidate, which then needs no build read and no tenant or domain read. */
export const pendingManifestKey = (build: string) => `${build}.cdn.json`;

/** The targets one build has invalidated so far: a retried Invalidate skips them. */
export const invalidatedTargetsKey = (build: string) => `${build}.invalidated.json`;

export async function readJsonObject<T>(s3: S3Client, bucket: string, key: string): Promise<T | null> {
  const object = await readObject(s3, bucket, key);
  return object ? (JSON.parse(Buffer.from(object.body).toString('utf8')) as T) : null;
}

export async function writeJsonObject(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await writePrivateObject(s3, bucket, key, JSON.stringify(value), 'application/json');
}
