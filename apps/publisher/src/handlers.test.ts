import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createTenantCdnInvalidator, invalidationCallerReference } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { renderSite } from '@upstate/render';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingInvalidator, seedTenant } from '../test/fixtures.ts';
import { invalidatedTargetsKey, readBuild } from './build.ts';
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

/** The store with every call on `tenants` and `domains` recorded (the reads a run must make only once). */
function countingStore(store: Store) {
  const calls: string[] = [];
  const counted = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(prop)}`);
          return value.apply(target, args);
        };
      },
    });
  return {
    store: { ...store, tenants: counted('tenants', store.tenants), domains: counted('domains', store.domains) },
    calls,
  };
}

// CloudFront has no local stand-in: its client is mocked and the exact commands asserted; DynamoDB
// and S3 (where the run records its progress) are the real stand-ins.
describe('Invalidate retried by Step Functions', () => {
  it('skips the distribution tenants this build already invalidated, and reads the tenant and its domains once per run', async () => {
    // Prepare: a tenant served by its platform subdomain and one verified custom domain
    const tenantId = 'tenant-retry';
    const { store: real } = await createTestStore();
    await seedTenant(real, tenantId);
    await real.domains.add({
      tenantId,
      domain: 'status.retry.example',
      status: 'verified',
      txtRecordName: '_upstate-challenge.status.retry.example',
      txtRecordValue: 'token',
      createdAt: '2026-11-20T12:00:00.000Z',
      verifiedAt: '2026-11-20T12:00:00.000Z',
      lastCheckedAt: null,
    });
    await real.domains.verify(tenantId, 'status.retry.example');
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const cloudFront = mockClient(client);
    const owned = (id: string) => ({
      DistributionTenant: { Id: id, DistributionId: 'EDIST', Parameters: [{ Name: 'tenantId', Value: tenantId }] },
    });
    cloudFront
      .on(GetDistributionTenantByDomainCommand, { Domain: 'tenantretry.status.example.net' })
      .resolves(owned('dt-sub'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'status.retry.example' })
      .resolves(owned('dt-custom'))
      .on(CreateInvalidationForDistributionTenantCommand, { Id: 'dt-sub' })
      .resolves({})
      // The second target fails once, after the first one went through: Step Functions retries the Task.
      .on(CreateInvalidationForDistributionTenantCommand, { Id: 'dt-custom' })
      .rejectsOnce(Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' }))
      .resolves({});
    const { store, calls } = countingStore(real);
    const handlers = createHandlers({
      store,
      s3: s3.client,
      bucket: s3.bucket,
      invalidator: createTenantCdnInvalidator({ client, distributionId: 'EDIST' }),
      renderer: (snapshot) => renderSite(snapshot),
      site: { scheme: 'https', platformDomain: 'status.example.net' },
    });
    const version = await real.publish.bumpContentVersion(tenantId);
    const owner = `${tenantId}-v${version}`;
    // Act: one run, whose Invalidate fails halfway and is retried with the same input
    await handlers.lease({ tenantId, version, owner });
    const rendered = await handlers.render({ tenantId, owner });
    const synced = await handlers.sync({ tenantId, owner, version, build: rendered.build });
    const event = { tenantId, owner, version, build: rendered.build, paths: synced.paths };
    await expect(handlers.invalidate(event)).rejects.toThrow('service unavailable');
    await expect(handlers.invalidate(event)).resolves.toMatchObject({ invalidated: synced.paths });
    await handlers.commit({ tenantId, owner, version, build: rendered.build });
    // Assess: dt-sub invalidated once, dt-custom once successfully, both under the build's deterministic reference
    const batch = (id: string) => ({
      Id: id,
      InvalidationBatch: {
        CallerReference: invalidationCallerReference(rendered.build, id),
        Paths: { Quantity: synced.paths.length, Items: synced.paths },
      },
    });
    expect(cloudFront.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual(
      [batch('dt-sub'), batch('dt-custom'), batch('dt-custom')],
    );
    expect(calls.filter((c) => c.startsWith('tenants.'))).toEqual(['tenants.require']);
    expect(calls.filter((c) => c.startsWith('domains.'))).toEqual(['domains.list']);
    // The progress record goes with the build once the run commits.
    await expect(
      s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: invalidatedTargetsKey(rendered.build) })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await real.publish.get(tenantId)).toMatchObject({ publishedVersion: version, lease: null });
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
