import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { createTestStore } from '@upstate/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '../test/fixtures.ts';
import { createTenantCdnInvalidator } from './cdn.ts';

// CloudFront has no local stand-in: the SDK is mocked and the exact commands asserted.
describe('createTenantCdnInvalidator', () => {
  it('invalidates on each distribution tenant serving the tenant, and never on one that is not its own', async () => {
    // Prepare
    const { store } = await createTestStore();
    await seedTenant(store, 'tenant-cdn');
    for (const [domain, status] of [
      ['status.cdn.example', 'verified'],
      ['other.cdn.example', 'verified'],
      ['foreign.cdn.example', 'verified'],
      ['pending.cdn.example', 'pending'],
    ] as const) {
      await store.domains.add({
        tenantId: 'tenant-cdn',
        domain,
        status,
        txtRecordName: `_upstate-challenge.${domain}`,
        txtRecordValue: 'token',
        createdAt: '2026-11-20T12:00:00.000Z',
        verifiedAt: null,
        lastCheckedAt: null,
      });
    }
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const cloudFront = mockClient(client);
    const owned = (id: string, tenantId = 'tenant-cdn', distributionId = 'EDIST') => ({
      DistributionTenant: {
        Id: id,
        DistributionId: distributionId,
        Parameters: [{ Name: 'tenantId', Value: tenantId }],
      },
    });
    cloudFront
      .on(GetDistributionTenantByDomainCommand, { Domain: 'tenantcdn.status.example.net' })
      .resolves(owned('dt-sub'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'status.cdn.example' })
      .resolves(owned('dt-custom'))
      // Routed to another Upstate tenant, or on another distribution: never touched.
      .on(GetDistributionTenantByDomainCommand, { Domain: 'other.cdn.example' })
      .resolves(owned('dt-other', 'tenant-someone-else'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'foreign.cdn.example' })
      .resolves(owned('dt-foreign', 'tenant-cdn', 'EOTHER'))
      .on(CreateInvalidationForDistributionTenantCommand)
      .resolves({});
    const invalidator = createTenantCdnInvalidator({
      client,
      store,
      distributionId: 'EDIST',
      platformDomain: 'status.example.net',
    });
    // Act
    await invalidator.invalidate('tenant-cdn', ['/index.html', '/api/v2/summary.json']);
    // Assess
    const looked = cloudFront.commandCalls(GetDistributionTenantByDomainCommand).map((c) => c.args[0].input.Domain);
    expect(looked.sort()).toEqual([
      'foreign.cdn.example',
      'other.cdn.example',
      'status.cdn.example',
      'tenantcdn.status.example.net',
    ]);
    const sent = cloudFront
      .commandCalls(CreateInvalidationForDistributionTenantCommand)
      .map((c) => c.args[0].input)
      .sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
    const batch = (id: string) => ({
      Id: id,
      InvalidationBatch: {
        CallerReference: expect.stringMatching(/^tenant-cdn-\d+-1$/),
        // Two changed paths: one wildcard per distribution tenant, billed as one path.
        Paths: { Quantity: 1, Items: ['/*'] },
      },
    });
    expect(sent).toEqual([batch('dt-custom'), batch('dt-sub')]);
  });

  it('sends nothing when no path changed, and checks ownership on every publish (a domain can move)', async () => {
    // Prepare: the domain first belongs to this tenant, then to another
    const { store } = await createTestStore();
    await seedTenant(store, 'tenant-cache');
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const cloudFront = mockClient(client);
    const owned = (owner: string) => ({
      DistributionTenant: { Id: 'dt-1', DistributionId: 'EDIST', Parameters: [{ Name: 'tenantId', Value: owner }] },
    });
    cloudFront
      .on(GetDistributionTenantByDomainCommand)
      .resolvesOnce(owned('tenant-cache'))
      .resolves(owned('someone-else'));
    cloudFront.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    const invalidator = createTenantCdnInvalidator({ client, store, distributionId: 'EDIST', platformDomain: 'x.net' });
    // Act
    await invalidator.invalidate('tenant-cache', []);
    expect(cloudFront.calls()).toHaveLength(0);
    await invalidator.invalidate('tenant-cache', ['/*']);
    await invalidator.invalidate('tenant-cache', ['/index.html']);
    // Assess: looked up each time; after the move, nothing is sent to the other tenant's distribution tenant
    expect(cloudFront.commandCalls(GetDistributionTenantByDomainCommand)).toHaveLength(2);
    expect(
      cloudFront
        .commandCalls(CreateInvalidationForDistributionTenantCommand)
        .map((c) => c.args[0].input.InvalidationBatch?.Paths),
    ).toEqual([{ Quantity: 1, Items: ['/*'] }]);
  });
});
