import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Invalidator } from '@upstate/aws';
import type { ComponentStatus, Incident } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import type { Store } from '@upstate/store';

/** Writes a small fixture tenant (components, two resolved incidents) straight into the store. */
export async function seedTenant(store: Store, tenantId: string, options: { components?: number } = {}) {
  const snapshot = fixtureSnapshot({
    tenantId,
    slug: tenantId.replace(/[^a-z0-9]/g, ''),
    name: `Tenant ${tenantId}`,
    components: options.components ?? 4,
    activeIncidents: 0,
    resolvedIncidents: 2,
    days: 3,
  });
  await store.tenants.create(snapshot.tenant, snapshot.branding);
  for (const g of snapshot.groups) await store.groups.create(g);
  for (const c of snapshot.components) await store.components.create(c);
  for (const i of snapshot.incidents) await store.incidents.create(i);
  return snapshot;
}

/** What the API does on every page-changing write: bump contentVersion, then trigger a publish. */
export async function pageChanged(
  store: Store,
  trigger: { requestPublish(tenantId: string, version: number): Promise<void> },
  tenantId: string,
) {
  const version = await store.publish.bumpContentVersion(tenantId);
  await trigger.requestPublish(tenantId, version);
  return version;
}

export async function setStatus(store: Store, tenantId: string, componentId: string, status: ComponentStatus) {
  await store.components.setStatus(tenantId, componentId, status, 'manual');
}

export function newIncident(tenantId: string, id: string, name: string): Incident {
  const at = '2026-11-20T11:00:00.000Z';
  return {
    id,
    tenantId,
    name,
    impact: 'minor',
    status: 'investigating',
    componentIds: [],
    createdAt: at,
    updatedAt: at,
    resolvedAt: null,
    version: 1,
    updates: [
      {
        id: `${id}-u1`,
        kind: 'update',
        status: 'investigating',
        body: 'We are looking into it.',
        displayAt: at,
        createdAt: at,
        author: { kind: 'user', id: 'user-1', label: 'ops@example.com' },
        componentChanges: [],
        correctsUpdateId: null,
      },
    ],
  };
}

/** Records every invalidation; optionally fails the first `failures` calls with the given error. */
export function recordingInvalidator(fail?: { times: number; error: () => Error }) {
  const calls: { tenantId: string; paths: string[] }[] = [];
  let failures = fail?.times ?? 0;
  const invalidator: Invalidator & { calls: typeof calls } = {
    calls,
    async invalidate(tenantId, paths) {
      if (failures > 0 && fail) {
        failures--;
        throw fail.error();
      }
      calls.push({ tenantId, paths: [...paths] });
    },
  };
  return invalidator;
}

export async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString()) ?? '';
}

export async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound' || (error as { name?: string }).name === 'NoSuchKey') {
      return false;
    }
    throw error;
  }
}

/** The S3 key a same-site link on a tenant page resolves to (after the CDN's URI rewrite). */
export function linkedKey(tenantId: string, link: string): string | null {
  if (!link.startsWith('/') || link.startsWith('//')) return null;
  let path = link.split('#')[0]?.split('?')[0] ?? '';
  if (!path) return null;
  if (path.endsWith('/')) path += 'index.html';
  else if (!path.split('/').at(-1)?.includes('.')) path += '/index.html';
  path = decodeURIComponent(path.slice(1));
  return path.startsWith('assets/') ? path : `sites/${tenantId}/${path}`;
}

export const links = (html: string) => [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string);
