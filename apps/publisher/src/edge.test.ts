import { startS3rver } from '@upstate/aws/testing';
import { createEdge } from '@upstate/edge';
import { renderSite } from '@upstate/render';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageChanged, seedTenant, setStatus } from '../test/fixtures.ts';
import { createLocalPublisher } from './local-publisher.ts';

// End to end on the local stand-ins: the publisher invalidates the local edge (the CloudFront
// stand-in), which caches pages for s-maxage until invalidated, exactly what readers hit.

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'edge-sites' });
});
afterAll(async () => {
  await s3.close();
});

const componentsJson = async (edge: ReturnType<typeof createEdge>, slug: string) => {
  const res = await edge.fetch(
    new Request('http://edge.invalid/api/v2/components.json', { headers: { host: `${slug}.localhost` } }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { components: { id: string; status: string }[] }).components;
};

describe('publisher + local edge', () => {
  it('each update is on the served page: the edge serves the cached page until the publisher invalidates it', async () => {
    // Prepare
    const { store } = await createTestStore();
    const edge = createEdge({ s3: s3.client, bucket: s3.bucket, store });
    const publisher = createLocalPublisher({
      store,
      s3: s3.client,
      bucket: s3.bucket,
      invalidator: edge.invalidator,
      renderer: (snapshot) => renderSite(snapshot),
      log: () => {},
    });
    const tenantId = 'tenant-edge';
    await seedTenant(store, tenantId);
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    expect((await componentsJson(edge, 'tenantedge')).find((c) => c.id === 'cmp-003')?.status).toBe('operational');
    // Act
    await setStatus(store, tenantId, 'cmp-003', 'major_outage');
    await pageChanged(store, publisher.trigger, tenantId);
    await publisher.idle();
    // Assess: without the invalidation the edge would still hold the first copy (s-maxage 300 s).
    expect((await componentsJson(edge, 'tenantedge')).find((c) => c.id === 'cmp-003')?.status).toBe('major_outage');
    const page = await edge.fetch(new Request('http://edge.invalid/', { headers: { host: 'tenantedge.localhost' } }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    publisher.close();
  });

  it('after a run dies before invalidating, the reconciler’s run invalidates what the dead run uploaded', async () => {
    // Prepare
    let clock = Date.parse('2026-11-20T12:00:00.000Z');
    const now = () => new Date(clock);
    const { store } = await createTestStore({ now });
    const edge = createEdge({ s3: s3.client, bucket: s3.bucket, store });
    const options = { store, s3: s3.client, bucket: s3.bucket, now, renderer: renderSite, log: () => {} };
    const healthy = createLocalPublisher({ ...options, invalidator: edge.invalidator });
    const tenantId = 'tenant-edgecrash';
    await seedTenant(store, tenantId);
    await pageChanged(store, healthy.trigger, tenantId);
    await healthy.idle();
    expect((await componentsJson(edge, 'tenantedgecrash')).find((c) => c.id === 'cmp-000')?.status).toBe('operational');
    const dying = createLocalPublisher({
      ...options,
      invalidator: {
        async invalidate() {
          dying.close();
          throw new Error('process killed');
        },
      },
    });
    await setStatus(store, tenantId, 'cmp-000', 'major_outage');
    await pageChanged(store, dying.trigger, tenantId);
    await dying.idle();
    // The new JSON is in S3, but readers still get the cached old copy.
    expect((await componentsJson(edge, 'tenantedgecrash')).find((c) => c.id === 'cmp-000')?.status).toBe('operational');
    // Act
    clock += 11 * 60_000;
    expect(await healthy.reconcile()).toBe(1);
    await healthy.idle();
    // Assess
    expect((await componentsJson(edge, 'tenantedgecrash')).find((c) => c.id === 'cmp-000')?.status).toBe(
      'major_outage',
    );
    expect((await store.publish.get(tenantId)).lease).toBeNull();
  });
});
