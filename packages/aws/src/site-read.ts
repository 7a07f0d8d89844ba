import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { siteKey } from './s3.ts';

/**
 * Reads one published file of a tenant's site as JSON, or undefined when it is not published. The
 * notifier reads what the page shows (its Statuspage v2 JSON) so a message never announces more.
 */
export async function readSiteJson<T>(
  s3: S3Client,
  bucket: string,
  tenantId: string,
  path: string,
): Promise<T | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: siteKey(tenantId, path) }));
    return JSON.parse((await res.Body?.transformToString()) ?? 'null') as T;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw error;
  }
}
