import { startS3rver } from '@upstate/aws/testing';
import { renderSite } from '@upstate/render';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingInvalidator, seedTenant } from '../test/fixtures.ts';
import { readBuild } from './build.ts';
import { createHandlers, reconcileStale } from './handlers.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'handler-sites' });
});
afterAll(async () => {
  await s3.close();
});

async function setup(tenantId: string) {
  const { store } = await createTestStore();
  await seedTenant(store, tenantId);
  const handlers = createHandlers({
    store,
    s3: s3.client,
    bucket: s3.bucket,
    invalidator: recordingInvalidator(),
    renderer: (snapshot) => renderSite(snapshot),
    site: { scheme: 'https', platformDomain: 'status.example.net' },
  });
  return { store, handlers };
}

describe('task handlers', () => {
  it('lease: exits when nothing is stale, and when another run holds a live lease', async () => {
    const { store, handlers } = await setup('tenant-lease');
    await expect(handlers.lease({ tenantId: 'tenant-lease', version: 0, owner: 'run-a' })).resolves.toMatchObject({
      acquired: false,
      reason: 'current',
    });
    const version = await store.publish.bumpContentVersion('tenant-lease');
    await expect(handlers.lease({ tenantId: 'tenant-lease', version, owner: 'run-a' })).resolves.toMatchObject({
      acquired: true,
    });
    await expect(handlers.lease({ tenantId: 'tenant-lease', version, owner: 'run-b' })).resolves.toMatchObject({
      acquired: false,
      reason: 'held',
    });
    expect((await store.publish.get('tenant-lease')).lease?.owner).toBe('run-a');
  });

  it('a run that lost its lease writes nothing: render and sync fail with LeaseLost', async () => {
    const { store, handlers } = await setup('tenant-lost');
    const version = await store.publish.bumpContentVersion('tenant-lost');
    await handlers.lease({ tenantId: 'tenant-lost', version, owner: 'run-a' });
    const rendered = await handlers.render({ tenantId: 'tenant-lost', owner: 'run-a' });
    await store.publish.releaseLease('tenant-lost', 'run-a');
    await store.publish.acquireLease('tenant-lost', 'run-b', 60_000);
    await expect(handlers.render({ tenantId: 'tenant-lost', owner: 'run-a' })).rejects.toMatchObject({
      name: 'LeaseLost',
    });
    await expect(handlers.sync({ ...rendered, owner: 'run-a' })).rejects.toMatchObject({ name: 'LeaseLost' });
    await expect(handlers.commit({ ...rendered, owner: 'run-a' })).rejects.toMatchObject({ name: 'LeaseLost' });
    expect(await store.publish.get('tenant-lost')).toMatchObject({ publishedVersion: 0, lease: { owner: 'run-b' } });
  });

  it('commit only moves publishedVersion forward, and a retried commit is a no-op', async () => {
    const { store, handlers } = await setup('tenant-commit');
    await store.publish.bumpContentVersion('tenant-commit');
    const v2 = await store.publish.bumpContentVersion('tenant-commit');
    await handlers.lease({ tenantId: 'tenant-commit', version: v2, owner: 'run-a' });
    const rendered = await handlers.render({ tenantId: 'tenant-commit', owner: 'run-a' });
    expect(rendered.version).toBe(v2);
    const event = { tenantId: 'tenant-commit', owner: 'run-a', version: v2, build: rendered.build };
    await expect(handlers.commit(event)).resolves.toEqual({ tenantId: 'tenant-commit', version: v2, more: false });
    // The same Commit again (its first response was lost): nothing changes, nothing fails.
    await expect(handlers.commit(event)).resolves.toMatchObject({ version: v2, more: false });
    // An older version, even from a lease holder, never lowers publishedVersion.
    await store.publish.acquireLease('tenant-commit', 'run-old', 60_000);
    await handlers.commit({ ...event, owner: 'run-old', version: v2 - 1 });
    expect(await store.publish.get('tenant-commit')).toMatchObject({ publishedVersion: v2, lease: null });
  });

  it('commit re-takes the lease and asks for another render when content moved on', async () => {
    const { store, handlers } = await setup('tenant-more');
    const v1 = await store.publish.bumpContentVersion('tenant-more');
    await handlers.lease({ tenantId: 'tenant-more', version: v1, owner: 'run-a' });
    const rendered = await handlers.render({ tenantId: 'tenant-more', owner: 'run-a' });
    await store.publish.bumpContentVersion('tenant-more');
    await expect(handlers.commit({ ...rendered, owner: 'run-a' })).resolves.toMatchObject({ version: v1, more: true });
    expect((await store.publish.get('tenant-more')).lease?.owner).toBe('run-a');
  });

  it('render links pages to the verified custom domain, never to a pending one', async () => {
    const { store, handlers } = await setup('tenant-domain');
    const domain = (name: string, status: 'pending' | 'verified') => ({
      tenantId: 'tenant-domain',
      domain: name,
      status,
      txtRecordName: `_upstate-challenge.${name}`,
      txtRecordValue: 'token',
      createdAt: '2026-11-20T12:00:00.000Z',
      verifiedAt: status === 'verified' ? '2026-11-20T12:00:00.000Z' : null,
      lastCheckedAt: null,
    });
    await store.domains.add(domain('aaa.example.org', 'pending'));
    const sitemap = async () => {
      const version = await store.publish.bumpContentVersion('tenant-domain');
      await handlers.lease({ tenantId: 'tenant-domain', version, owner: `run-${version}` });
      const { build } = await handlers.render({ tenantId: 'tenant-domain', owner: `run-${version}` });
      await store.publish.releaseLease('tenant-domain', `run-${version}`);
      const file = (await readBuild(s3.client, s3.bucket, build)).files.find((f) => f.path === 'sitemap.xml');
      return new TextDecoder().decode(file?.body);
    };
    expect(await sitemap()).toContain('<loc>https://tenantdomain.status.example.net/</loc>');
    await store.domains.add(domain('status.tenant.example', 'pending'));
    await store.domains.verify('tenant-domain', 'status.tenant.example');
    expect(await sitemap()).toContain('<loc>https://status.tenant.example/</loc>');
  });

  it('sync refuses a build of another tenant, and bad events name the field', async () => {
    const { store, handlers } = await setup('tenant-a');
    await seedTenant(store, 'tenant-b');
    const version = await store.publish.bumpContentVersion('tenant-b');
    await handlers.lease({ tenantId: 'tenant-b', version, owner: 'run-b' });
    const theirs = await handlers.render({ tenantId: 'tenant-b', owner: 'run-b' });
    const mine = await store.publish.bumpContentVersion('tenant-a');
    await handlers.lease({ tenantId: 'tenant-a', version: mine, owner: 'run-a' });
    await expect(
      handlers.sync({ tenantId: 'tenant-a', owner: 'run-a', version: mine, build: theirs.build }),
    ).rejects.toMatchObject({ name: 'InvalidInput', field: 'build' });
    await expect(
      handlers.invalidate({
        tenantId: 'tenant-a',
        owner: 'run-a',
        version: 1,
        build: 'builds/runs/tenant-a/run-a/v1.json.gz',
        paths: ['no-slash'],
      }),
    ).rejects.toMatchObject({ name: 'InvalidInput', code: 'validation_failed', field: 'paths.0' });
    await expect(
      handlers.commit({
        tenantId: 'tenant-a',
        owner: 'run-a',
        version: 1,
        build: 'builds/runs/tenant-a/../tenant-b/x',
      }),
    ).rejects.toMatchObject({ name: 'InvalidInput', field: 'build' });
  });
});

describe('reconcileStale', () => {
  it('keeps going past a tenant whose start fails, and marks every attempt', async () => {
    // Prepare: three stale tenants; starting the first always throws
    const { store } = await createTestStore();
    for (const id of ['r-a', 'r-b', 'r-c']) await store.publish.bumpContentVersion(id);
    const attempts: string[] = [];
    const start = async (tenantId: string) => {
      attempts.push(tenantId);
      if (tenantId === 'r-a') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return true;
    };
    // Act
    const started = await reconcileStale({ store, start, log: () => {} });
    // Assess: the others started, and a tenant changed since goes ahead of all three retried ones
    expect(started).toBe(2);
    expect(attempts.sort()).toEqual(['r-a', 'r-b', 'r-c']);
    await store.publish.bumpContentVersion('r-z');
    expect((await store.publish.listStale(1)).map((s) => s.tenantId)).toEqual(['r-z']);
  });
});
