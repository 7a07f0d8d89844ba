import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  createTenantCdnInvalidator,
  type InvalidationRun,
  invalidateDistributionTenant,
  invalidationCallerReference,
} from './cloudfront.ts';

// CloudFront has no local stand-in: the SDK is mocked and the exact commands are asserted.
const setup = () => {
  const client = new CloudFrontClient({ region: 'us-east-1' });
  return { client, mock: mockClient(client) };
};

/** A run's invalidation context whose progress record is kept in memory, as S3 keeps it for the publisher. */
const runOf = (build: string, hosts: string[], done: string[] = []): InvalidationRun & { done: string[] } => ({
  build,
  hosts,
  done,
  async onInvalidated(target) {
    done.push(target);
  },
});

const owned = (id: string, tenantId: string, distributionId = 'EDIST') => ({
  DistributionTenant: { Id: id, DistributionId: distributionId, Parameters: [{ Name: 'tenantId', Value: tenantId }] },
});

describe('invalidateDistributionTenant', () => {
  it('invalidates a single changed path as itself, under the given caller reference', async () => {
    const { client, mock } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    await invalidateDistributionTenant({
      client,
      distributionTenantId: 'dt-t1',
      paths: ['/index.html', '/index.html'],
      callerReference: 'ref-1',
    });
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual([
      {
        Id: 'dt-t1',
        InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 1, Items: ['/index.html'] } },
      },
    ]);
  });

  it('sends one wildcard (one billed path) as soon as more than one path changed', async () => {
    const { client, mock } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    const paths = ['/index.html', '/incidents/a/index.html'];
    await invalidateDistributionTenant({ client, distributionTenantId: 'dt-t1', paths, callerReference: 'ref-1' });
    expect(
      mock.commandCalls(CreateInvalidationForDistributionTenantCommand)[0]?.args[0].input.InvalidationBatch?.Paths,
    ).toEqual({ Quantity: 1, Items: ['/*'] });
  });

  it('retries with backoff on TooManyInvalidationsInProgress under the same caller reference, and gives up on other errors', async () => {
    const { client, mock } = setup();
    const throttled = Object.assign(new Error('throttled'), { name: 'TooManyInvalidationsInProgress' });
    mock.on(CreateInvalidationForDistributionTenantCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({});
    const send = () =>
      invalidateDistributionTenant({
        client,
        distributionTenantId: 'dt-t1',
        paths: ['/index.html'],
        callerReference: 'ref-1',
        baseDelayMs: 1,
      });
    await send();
    const refs = mock
      .commandCalls(CreateInvalidationForDistributionTenantCommand)
      .map((c) => c.args[0].input.InvalidationBatch?.CallerReference);
    expect(refs).toEqual(['ref-1', 'ref-1', 'ref-1']);
    mock.reset();
    mock
      .on(CreateInvalidationForDistributionTenantCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(send()).rejects.toThrow('denied');
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand)).toHaveLength(1);
  });
});

describe('invalidationCallerReference', () => {
  it('is the same for a build and target every time, and differs across builds and targets', () => {
    const ref = invalidationCallerReference('builds/runs/t1/t1-v3/v3.json.gz', 'dt-a');
    expect(invalidationCallerReference('builds/runs/t1/t1-v3/v3.json.gz', 'dt-a')).toBe(ref);
    expect(invalidationCallerReference('builds/runs/t1/t1-v4/v4.json.gz', 'dt-a')).not.toBe(ref);
    expect(invalidationCallerReference('builds/runs/t1/t1-v3/v3.json.gz', 'dt-b')).not.toBe(ref);
    expect(ref).toMatch(/^upstate-[0-9a-f]{48}$/);
  });
});

describe('createTenantCdnInvalidator', () => {
  it('invalidates on each distribution tenant serving the tenant, and never on one that is not its own', async () => {
    // Prepare
    const { client, mock } = setup();
    mock
      .on(GetDistributionTenantByDomainCommand, { Domain: 'tenantcdn.status.example.net' })
      .resolves(owned('dt-sub', 'tenant-cdn'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'status.cdn.example' })
      .resolves(owned('dt-custom', 'tenant-cdn'))
      // Routed to another Upstate tenant, or on another distribution: never touched.
      .on(GetDistributionTenantByDomainCommand, { Domain: 'other.cdn.example' })
      .resolves(owned('dt-other', 'tenant-someone-else'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'foreign.cdn.example' })
      .resolves(owned('dt-foreign', 'tenant-cdn', 'EOTHER'))
      .on(CreateInvalidationForDistributionTenantCommand)
      .resolves({});
    const invalidator = createTenantCdnInvalidator({ client, distributionId: 'EDIST' });
    const hosts = ['tenantcdn.status.example.net', 'foreign.cdn.example', 'other.cdn.example', 'status.cdn.example'];
    const run = runOf('builds/runs/tenant-cdn/run-1/v2.json.gz', hosts);
    // Act
    await invalidator.invalidate('tenant-cdn', ['/index.html', '/api/v2/summary.json'], run);
    // Assess
    const looked = mock.commandCalls(GetDistributionTenantByDomainCommand).map((c) => c.args[0].input.Domain);
    expect(looked).toEqual(hosts);
    const batch = (id: string) => ({
      Id: id,
      InvalidationBatch: {
        CallerReference: invalidationCallerReference(run.build, id),
        // Two changed paths: one wildcard per distribution tenant, billed as one path.
        Paths: { Quantity: 1, Items: ['/*'] },
      },
    });
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual([
      batch('dt-sub'),
      batch('dt-custom'),
    ]);
    expect(run.done).toEqual(['dt-sub', 'dt-custom']);
  });

  it('sends nothing when no path changed, and checks ownership on every run (a domain can move)', async () => {
    // Prepare: the domain first belongs to this tenant, then to another
    const { client, mock } = setup();
    mock
      .on(GetDistributionTenantByDomainCommand)
      .resolvesOnce(owned('dt-1', 'tenant-cache'))
      .resolves(owned('dt-1', 'someone-else'));
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    const invalidator = createTenantCdnInvalidator({ client, distributionId: 'EDIST' });
    // Act
    await invalidator.invalidate('tenant-cache', [], runOf('b0', ['tenantcache.x.net']));
    expect(mock.calls()).toHaveLength(0);
    await invalidator.invalidate('tenant-cache', ['/*'], runOf('b1', ['tenantcache.x.net']));
    await invalidator.invalidate('tenant-cache', ['/index.html'], runOf('b2', ['tenantcache.x.net']));
    // Assess: looked up each time; after the move, nothing is sent to the other tenant's distribution tenant
    expect(mock.commandCalls(GetDistributionTenantByDomainCommand)).toHaveLength(2);
    expect(
      mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input.InvalidationBatch),
    ).toEqual([{ CallerReference: invalidationCallerReference('b1', 'dt-1'), Paths: { Quantity: 1, Items: ['/*'] } }]);
  });

  it('a retried run skips the targets it already invalidated and repeats the failed one with the same caller reference', async () => {
    // Prepare: two distribution tenants; the second one's invalidation fails on the first attempt
    const { client, mock } = setup();
    mock
      .on(GetDistributionTenantByDomainCommand, { Domain: 'a.example' })
      .resolves(owned('dt-a', 't1'))
      .on(GetDistributionTenantByDomainCommand, { Domain: 'b.example' })
      .resolves(owned('dt-b', 't1'));
    mock
      .on(CreateInvalidationForDistributionTenantCommand, { Id: 'dt-a' })
      .resolves({})
      .on(CreateInvalidationForDistributionTenantCommand, { Id: 'dt-b' })
      .rejectsOnce(Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' }))
      .resolves({});
    const invalidator = createTenantCdnInvalidator({ client, distributionId: 'EDIST' });
    const build = 'builds/runs/t1/t1-v7/v7.json.gz';
    const done: string[] = [];
    // Act: the first attempt fails halfway; Step Functions retries the Task with the same build
    await expect(
      invalidator.invalidate('t1', ['/index.html'], runOf(build, ['a.example', 'b.example'], done)),
    ).rejects.toThrow('service unavailable');
    expect(done).toEqual(['dt-a']);
    await invalidator.invalidate('t1', ['/index.html'], runOf(build, ['a.example', 'b.example'], done));
    // Assess: dt-a once in all, dt-b twice under one deterministic reference
    const sent = mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input);
    const batch = (id: string) => ({
      Id: id,
      InvalidationBatch: {
        CallerReference: invalidationCallerReference(build, id),
        Paths: { Quantity: 1, Items: ['/index.html'] },
      },
    });
    expect(sent).toEqual([batch('dt-a'), batch('dt-b'), batch('dt-b')]);
    expect(done).toEqual(['dt-a', 'dt-b']);
  });
});
