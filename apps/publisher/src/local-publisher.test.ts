import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { cacheControl, createS3Client, manifestKey } from '@upstate/aws';
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
import { buildKey, invalidatedManifestKey } from './build.ts';
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
    log: () => {},
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
    expect(await exists(s3.client, s3.bucket, buildKey(tenantId, `${tenantId}-v${version}`, version))).toBe(false);
    expect(await exists(s3.client, s3.bucket, invalidatedManifestKey(tenantId))).toBe(true);
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

/** A client of its own, so a middleware injected by one test never touches another. */
const ownClient = () =>
  createS3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

const injected = (name: string) => Object.assign(new Error(`injected ${name}`), { name });

describe('faults, each injected once: the page ends consistent and current, the lease is free', () => {
  it('an S3 PutObject failure is retried and the page still lands', async () => {
    // Prepare
    const client = ownClient();
    let failed = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? '';
        if (context.commandName === 'PutObjectCommand' && key === 'sites/tenant-s3fault/index.html' && !failed++) {
          throw injected('InternalError');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOnePut' },
    );
    const { store, publisher, rendered } = await setup({ s3: client });
    const tenantId = 'tenant-s3fault';
    await seedTenant(store, tenantId);
    await setStatus(store, tenantId, 'cmp-002', 'partial_outage');
    // Act
    const version = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess
    expect(failed).toBe(2);
    expect(publisher.executions()).toMatchObject([{ status: 'SUCCEEDED', endState: 'Published' }]);
    expect(rendered).toEqual([version]);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
    expect((await summary(tenantId)).components.find((c) => c.id === 'cmp-002')?.status).toBe('partial_outage');
    expect(await readText(s3.client, s3.bucket, `sites/${tenantId}/index.html`)).toContain('</html>');
  });

  it('a render that throws is retried and the page still lands', async () => {
    // Prepare
    const { store, publisher, rendered } = await setup({
      beforeRender: (count) => {
        if (count === 1) throw injected('Error');
      },
    });
    const tenantId = 'tenant-renderfault';
    await seedTenant(store, tenantId);
    // Act
    const version = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess
    expect(rendered).toEqual([version, version]);
    expect(publisher.executions()).toMatchObject([{ status: 'SUCCEEDED', endState: 'Published' }]);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
    expect(await exists(s3.client, s3.bucket, `sites/${tenantId}/index.html`)).toBe(true);
  });

  it('a throttled invalidation (TooManyInvalidationsInProgress) is retried', async () => {
    // Prepare
    const invalidator = recordingInvalidator({ times: 1, error: () => injected('TooManyInvalidationsInProgress') });
    const { store, publisher } = await setup({ invalidator });
    const tenantId = 'tenant-throttled';
    await seedTenant(store, tenantId);
    // Act
    const version = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess
    expect(invalidator.calls).toEqual([{ tenantId, paths: ['/*'] }]);
    expect(publisher.executions()).toMatchObject([{ status: 'SUCCEEDED', endState: 'Published' }]);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
  });

  it('a permanent failure releases the lease and fails visibly; the reconciler later republishes', async () => {
    // Prepare
    let broken = true;
    const logged: string[] = [];
    const { store, invalidator } = await setup();
    const tenantId = 'tenant-broken';
    await seedTenant(store, tenantId);
    const publisher = createLocalPublisher({
      store,
      s3: s3.client,
      bucket: s3.bucket,
      invalidator,
      retryDelayMs: 1,
      log: (message) => logged.push(message),
      renderer: async (snapshot) => {
        if (broken) throw injected('ThemeCrashed');
        return renderSite(snapshot);
      },
    });
    // Act
    const version = await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess: failed with the original error, after the retries, and the lease is free.
    expect(publisher.executions()).toMatchObject([
      { status: 'FAILED', endState: 'PublishFailed', error: 'ThemeCrashed', cause: 'injected ThemeCrashed' },
    ]);
    expect(logged).toContain('publish execution failed');
    expect(await store.publish.get(tenantId)).toMatchObject({
      contentVersion: version,
      publishedVersion: 0,
      lease: null,
    });
    // Act: the theme is fixed; the scheduled reconciler finds the stale tenant.
    broken = false;
    expect(await publisher.reconcile()).toBe(1);
    await publisher.idle();
    // Assess
    expect(publisher.executions().at(-1)).toMatchObject({ status: 'SUCCEEDED', endState: 'Published' });
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
    expect(await publisher.reconcile()).toBe(0);
  });

  it('the process dies between upload and commit: after the lease expires the reconciler finishes the job', async () => {
    // Prepare
    let clock = Date.parse('2026-11-20T12:00:00.000Z');
    const now = () => new Date(clock);
    const { store, publisher: first, invalidator } = await setup({ now });
    const tenantId = 'tenant-crash';
    const seeded = await seedTenant(store, tenantId);
    await pageChanged(store, first.trigger, tenantId);
    await first.idle();
    const dying = createLocalPublisher({
      store,
      s3: s3.client,
      bucket: s3.bucket,
      now,
      log: () => {},
      renderer: (snapshot) => renderSite(snapshot),
      // Uploads are done when the invalidation starts: the process "dies" right there.
      invalidator: {
        async invalidate() {
          dying.close();
          throw injected('ProcessKilled');
        },
      },
    });
    const incident = seeded.incidents[0];
    if (!incident) throw new Error('fixture has an incident');
    await store.incidents.save({ ...incident, name: 'Postmortem published', version: incident.version + 1 });
    const version = await pageChanged(store, dying.trigger, tenantId);
    await dying.idle();
    expect(dying.executions()).toMatchObject([{ status: 'ABORTED' }]);
    expect(await readText(s3.client, s3.bucket, `sites/${tenantId}/incidents/${incident.id}/index.html`)).toContain(
      'Postmortem published',
    );
    const held = await store.publish.get(tenantId);
    expect(held.lease?.owner).toBe(`${tenantId}-v${version}`);
    expect(held.publishedVersion).toBe(version - 1);
    // Act: while the dead run's lease is live nothing starts; once it expired, the reconciler runs.
    const successor = createLocalPublisher({
      store,
      s3: s3.client,
      bucket: s3.bucket,
      invalidator,
      now,
      log: () => {},
      renderer: (snapshot) => renderSite(snapshot),
    });
    expect(await successor.reconcile()).toBe(0);
    clock += 11 * 60_000;
    invalidator.calls.length = 0;
    expect(await successor.reconcile()).toBe(1);
    await successor.idle();
    // Assess: current, committed, lease free, and the paths the dead run uploaded are invalidated.
    expect(successor.executions()).toMatchObject([{ status: 'SUCCEEDED', endState: 'Published' }]);
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
    expect(invalidator.calls).toHaveLength(1);
    expect(invalidator.calls[0]?.paths).toContain(`/incidents/${incident.id}/index.html`);
  });
});

describe('upload order', () => {
  it('a reader never gets HTML linking a file that is not uploaded yet', async () => {
    // Prepare: before every HTML upload, check that everything it links is already in S3.
    const tenantId = 'tenant-links';
    const client = ownClient();
    const missing: { publish: number; page: string; link: string }[] = [];
    let publish = 0;
    let checkedPages = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string; Body?: Uint8Array; ContentType?: string };
        if (context.commandName === 'PutObjectCommand' && input.ContentType?.startsWith('text/html')) {
          checkedPages++;
          const html = new TextDecoder().decode(input.Body);
          for (const link of links(html)) {
            const key = linkedKey(tenantId, link);
            if (key && !(await exists(client, s3.bucket, key))) missing.push({ publish, page: input.Key ?? '', link });
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'checkLinks' },
    );
    const { store, publisher } = await setup({ s3: client });
    await seedTenant(store, tenantId);
    // Act: a first publish, then a new incident (a new page linked from the front page and history).
    publish = 1;
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    publish = 2;
    await store.incidents.create(newIncident(tenantId, 'inc-new', 'Checkout errors'));
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess: assets, CSS, feeds are always there first. On the very first publish pages link each
    // other both ways (nobody can have the URL yet); from then on, new pages land before their links.
    expect(checkedPages).toBeGreaterThan(8);
    expect(missing.filter((m) => m.publish === 1 && !m.link.endsWith('/'))).toEqual([]);
    expect(missing.filter((m) => m.publish === 2)).toEqual([]);
    expect(await readText(s3.client, s3.bucket, `sites/${tenantId}/index.html`)).toContain('/incidents/inc-new/');
  });
});
