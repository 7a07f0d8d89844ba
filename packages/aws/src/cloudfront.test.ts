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

  it('invalidates exactly the changed paths on the tenant’s distribution tenant', async () => {
    const { mock, invalidator } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    await invalidator.invalidate('t1', ['/index.html', '/incidents/a/index.html', '/index.html']);
    expect(mock.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual([
      {
        Id: 'dt-t1',
        InvalidationBatch: {
          CallerReference: 'ref-1',
          Paths: { Quantity: 2, Items: ['/index.html', '/incidents/a/index.html'] },
        },
      },
    ]);
  });

  it('collapses a directory to its wildcard over the threshold, and the site when that is not enough', async () => {
    const { mock, invalidator } = setup();
    mock.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    const incidents = Array.from({ length: wildcardThreshold + 1 }, (_, i) => `/incidents/${i}/index.html`);
    await invalidator.invalidate('t1', [...incidents, '/index.html', '/api/v2/summary.json']);
    const roots = Array.from({ length: wildcardThreshold + 1 }, (_, i) => `/page-${i}.html`);
    await invalidator.invalidate('t1', roots);
    const sent = mock
      .commandCalls(CreateInvalidationForDistributionTenantCommand)
      .map((c) => c.args[0].input.InvalidationBatch?.Paths);
    expect(sent).toEqual([
      { Quantity: 3, Items: ['/incidents/*', '/index.html', '/api/v2/summary.json'] },
      { Quantity: 1, Items: ['/*'] },
    ]);
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
