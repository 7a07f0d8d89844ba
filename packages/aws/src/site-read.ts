import type { S3Client } from '@aws-sdk/client-s3';
import { readObject, siteKey } from './s3.ts';

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
  const object = await readObject(s3, bucket, siteKey(tenantId, path));
  return object ? (JSON.parse(new TextDecoder().decode(object.body)) as T) : undefined;
}
