import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvalidationRun, Invalidator } from './cloudfront.ts';
import { createSiteTakedown } from './site-takedown.ts';
import { startS3rver } from './testing.ts';

// s3rver stands in for the bucket; the invalidator is the port (its CloudFront side is tested with the
// exact commands in cloudfront.test.ts), recorded here to assert what the takedown asks of it and when.

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.close();
});

const keys = async () =>
  ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key).sort();
const put = (Key: string) => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: 'x' }));

describe('createSiteTakedown', () => {
  it("removes the tenant's pages, manifest and build state, then invalidates its hosts; others and shared assets stay", async () => {
    // Prepare: two tenants' sites, builds and manifests, and a shared asset
    const mine = ['sites/t1/index.html', 'sites/t1/incidents/a/index.html', 'sites/t1/api/v2/summary.json'];
    const theirs = ['sites/t10/index.html', 'manifests/t10.json', 'builds/runs/t10/build.json.gz'];
    const own = [...mine, 'manifests/t1.json', 'builds/runs/t1/build.json.gz', 'builds/cdn/t1.json'];
    for (const key of [...own, ...theirs, 'assets/default/page.abc123.css']) await put(key);
    const calls: { tenantId: string; paths: string[]; run: InvalidationRun; objectsLeft: number }[] = [];
    const invalidator: Invalidator = {
      async invalidate(tenantId, paths, run) {
        calls.push({ tenantId, paths, run, objectsLeft: (await keys()).filter((k) => k?.includes('t1/')).length });
      },
    };

    // Act, twice: a retried takedown is harmless
    const takedown = createSiteTakedown({ s3: s3.client, bucket: s3.bucket, invalidator });
    await takedown.takeDown('t1', ['acme.status.example', 'status.acme.example']);
    await takedown.takeDown('t1', ['acme.status.example', 'status.acme.example']);

    // Assess
    expect(await keys()).toEqual([...theirs, 'assets/default/page.abc123.css'].sort());
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({
        tenantId: 't1',
        paths: ['/*'],
        run: { build: 'takedown-t1', hosts: ['acme.status.example', 'status.acme.example'], done: [] },
        objectsLeft: 0,
      });
    }
  });
});
