import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { cacheControl, manifestKey } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import type { TenantSnapshot } from '@upstate/core';
import { renderSite } from '@upstate/render';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exists,
  linkedKey,
  links,
  newIncident,
  pageChanged,
  readText,
  recordingInvalidator,
  seedTenant,
  setStatus,
} from '../test/fixtures.ts';
import { createLocalPublisher } from './local-publisher.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.close();
});

async function setup(
  options: {
    invalidator?: ReturnType<typeof recordingInvalidator>;
    beforeRender?: (count: number, snapshot: TenantSnapshot) => void | Promise<void>;
    now?: () => Date;
    s3?: S3Client;
  } = {},
) {
  const { store } = await createTestStore(options.now ? { now: options.now } : {});
  const invalidator = options.invalidator ?? recordingInvalidator();
  const rendered: number[] = [];
  const publisher = createLocalPublisher({
    store,
    s3: options.s3 ?? s3.client,
    bucket: s3.bucket,
    invalidator,
    renderer: async (snapshot) => {
      rendered.push(snapshot.contentVersion);
      await options.beforeRender?.(rendered.length, snapshot);
      return renderSite(snapshot);
    },
    retryDelayMs: 5,
    ...(options.now ? { now: options.now } : {}),
  });
  return { store, invalidator, publisher, rendered };
}

const summary = async (tenantId: string) =>
  JSON.parse(await readText(s3.client, s3.bucket, `sites/${tenantId}/api/v2/summary.json`)) as {
    components: { id: string; status: string }[];
  };
const manifest = async (tenantId: string) =>
  JSON.parse(await readText(s3.client, s3.bucket, manifestKey(tenantId))) as Record<string, { hash: string }>;

describe('local publisher (real definition on aws-local-stepfunctions, dynalite, s3rver)', () => {
  it('publishes one update: the site is in S3 with the right headers and the version is committed', async () => {
    // Prepare
    const { store, publisher, invalidator, rendered } = await setup();
    const tenantId = 'tenant-one';
    await seedTenant(store, tenantId);
    await setStatus(store, tenantId, 'cmp-000', 'major_outage');
    // Act
    const version = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess
    expect(publisher.executions()).toEqual([
      { name: `${tenantId}-v${version}`, tenantId, version, status: 'SUCCEEDED', endState: 'Published' },
    ]);
    const state = await store.publish.get(tenantId);
    expect(state).toMatchObject({ contentVersion: version, publishedVersion: version, lease: null });
    expect(rendered).toEqual([version]);
    expect((await summary(tenantId)).components.find((c) => c.id === 'cmp-000')?.status).toBe('major_outage');
    const html = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `sites/${tenantId}/index.html` }),
    );
    expect(html).toMatchObject({ ContentType: 'text/html; charset=utf-8', CacheControl: cacheControl.short });
    const json = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `sites/${tenantId}/api/v2/summary.json` }),
    );
    expect(json).toMatchObject({ ContentType: 'application/json; charset=utf-8', CacheControl: cacheControl.short });
    const css = Object.keys(await manifest(tenantId)).find((p) => p.startsWith('assets/'));
    expect(css).toBeDefined();
    const asset = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: css as string }));
    expect(asset).toMatchObject({ ContentType: 'text/css; charset=utf-8', CacheControl: cacheControl.immutable });
    // A first publish has nothing cached to compare with: everything it uploaded, collapsed.
    expect(invalidator.calls).toEqual([{ tenantId, paths: ['/*'] }]);
    // The build object does not outlive the run.
    expect(await exists(s3.client, s3.bucket, `builds/${tenantId}/${tenantId}-v${version}/v${version}.json.gz`)).toBe(
      false,
    );
  });

  it('invalidates exactly the changed paths, and a change to one incident uploads only what it touched', async () => {
    // Prepare
    const { store, publisher, invalidator } = await setup();
    const tenantId = 'tenant-diff';
    const seeded = await seedTenant(store, tenantId);
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    const before = await manifest(tenantId);
    invalidator.calls.length = 0;
    const incident = seeded.incidents[0];
    if (!incident) throw new Error('fixture has an incident');
    // Act: rename one resolved incident; the other incident's page and the component JSON stay as they are.
    await store.incidents.save({ ...incident, name: 'Renamed incident', version: incident.version + 1 });
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess
    const after = await manifest(tenantId);
    const changed = Object.keys(after)
      .filter((p) => before[p]?.hash !== after[p]?.hash)
      .sort();
    expect(changed).toContain(`incidents/${incident.id}/index.html`);
    expect(changed).not.toContain(`incidents/${seeded.incidents[1]?.id}/index.html`);
    expect(changed).not.toContain('api/v2/components.json');
    expect(changed.length).toBeLessThan(Object.keys(after).length / 2);
    expect(invalidator.calls).toEqual([{ tenantId, paths: changed.map((p) => `/${p}`) }]);
  });

  it('a burst of 50 updates renders at most twice, ends current, and readers never go back in time', async () => {
    // Prepare
    const { store, publisher, rendered } = await setup();
    const tenantId = 'tenant-burst';
    await seedTenant(store, tenantId, { components: 50 });
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    rendered.length = 0;
    const seen: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        // s3rver writes objects in place, so a read racing a PUT can be cut short (S3 PUTs are
        // atomic): such a read is skipped, every complete one is recorded.
        const s = await summary(tenantId).catch(() => null);
        if (s) seen.push(s.components.filter((c) => c.status === 'major_outage').length);
      }
    })();
    // Act: 50 concurrent writes, each bumping the version and triggering a publish, as the API does.
    const versions = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await setStatus(store, tenantId, `cmp-${String(i).padStart(3, '0')}`, 'major_outage');
        return pageChanged(store, publisher.trigger, tenantId);
      }),
    );
    await publisher.idle();
    reading = false;
    await reader;
    // Assess
    const last = Math.max(...versions);
    expect(rendered.length).toBeGreaterThanOrEqual(1);
    expect(rendered.length).toBeLessThanOrEqual(2);
    expect(rendered.at(-1)).toBe(last);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: last, lease: null });
    expect((await summary(tenantId)).components.every((c) => c.status === 'major_outage')).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const ends = publisher.executions().filter((e) => e.version > 1);
    expect(ends).toHaveLength(50);
    expect(ends.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    expect(ends.filter((e) => e.endState === 'Published')).toHaveLength(1);
  });

  it('concurrent starts for one tenant have exactly one lease holder, and a duplicate start is a no-op', async () => {
    // Prepare
    const { store, publisher, rendered } = await setup();
    const tenantId = 'tenant-race';
    await seedTenant(store, tenantId);
    const version = await store.publish.bumpContentVersion(tenantId);
    // Act: the trigger twice (same name), plus two reconciler passes racing it.
    await Promise.all([
      publisher.trigger.requestPublish(tenantId, version),
      publisher.trigger.requestPublish(tenantId, version),
      publisher.reconcile(),
      publisher.reconcile(),
    ]);
    await publisher.idle();
    // Assess
    const runs = publisher.executions();
    expect(runs.filter((r) => r.name === `${tenantId}-v${version}`)).toHaveLength(1);
    expect(runs.filter((r) => r.endState === 'Published')).toHaveLength(1);
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(rendered).toEqual([version]);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
  });

  it('an old start after a newer version is published changes nothing', async () => {
    // Prepare
    const { store, publisher, rendered, invalidator } = await setup();
    const tenantId = 'tenant-old';
    await seedTenant(store, tenantId);
    await store.publish.bumpContentVersion(tenantId);
    await setStatus(store, tenantId, 'cmp-001', 'major_outage');
    const latest = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    const site = await manifest(tenantId);
    rendered.length = 0;
    invalidator.calls.length = 0;
    // Act
    await publisher.trigger.requestPublish(tenantId, latest - 1);
    await publisher.idle();
    // Assess
    expect(publisher.executions().at(-1)).toMatchObject({ version: latest - 1, endState: 'NothingToDo' });
    expect(rendered).toEqual([]);
    expect(invalidator.calls).toEqual([]);
    expect(await manifest(tenantId)).toEqual(site);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: latest, lease: null });
  });
});
