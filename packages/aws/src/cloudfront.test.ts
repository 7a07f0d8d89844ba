import { CloudFrontClient, CreateInvalidationForDistributionTenantCommand } from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createCloudFrontInvalidator, wildcardThreshold } from './cloudfront.ts';

// CloudFront has no local stand-in: the SDK is mocked and the exact command is asserted.
describe('CloudFront invalidator', () => {
  const setup = () => {
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    const invalidator = createCloudFrontInvalidator({
      client,
      distributionTenantId: async (tenantId) => `dt-${tenantId}`,
      baseDelayMs: 1,
      callerReference: () => 'ref-1',
    });
    return { mock, invalidator };
  };

  it('invalidates a single changed path on the tenant’s distribution tenant', async () => {
    const { mock, invalidator } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    await invalidator.invalidate('t1', ['/index.html', '/index.html']);
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual([
      {
        Id: 'dt-t1',
        InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 1, Items: ['/index.html'] } },
      },
    ]);
  });

  it('sends one wildcard (one billed path) as soon as more than one path changed', async () => {
    const { mock, invalidator } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    await invalidator.invalidate('t1', ['/index.html', '/incidents/a/index.html']);
    expect(
      mock.commandCalls(CreateInvalidationForDistributionTenantCommand)[0]?.args[0].input.InvalidationBatch?.Paths,
    ).toEqual({ Quantity: 1, Items: ['/*'] });
  });

  it('collapses to one wildcard over the threshold', async () => {
    const { mock, invalidator } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    await invalidator.invalidate(
      't1',
      Array.from({ length: wildcardThreshold + 1 }, (_, i) => `/incidents/${i}/index.html`),
    );
    expect(
      mock.commandCalls(CreateInvalidationForDistributionTenantCommand)[0]?.args[0].input.InvalidationBatch?.Paths,
    ).toEqual({ Quantity: 1, Items: ['/*'] });
  });

  it('retries with backoff on TooManyInvalidationsInProgress, and gives up on other errors', async () => {
    const { mock, invalidator } = setup();
    const throttled = Object.assign(new Error('throttled'), { name: 'TooManyInvalidationsInProgress' });
    mock.on(CreateInvalidationForDistributionTenantCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({});
    await invalidator.invalidate('t1', ['/index.html']);
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand)).toHaveLength(3);
    mock.reset();
    mock
      .on(CreateInvalidationForDistributionTenantCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(invalidator.invalidate('t1', ['/index.html'])).rejects.toThrow('denied');
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand)).toHaveLength(1);
  });
});
