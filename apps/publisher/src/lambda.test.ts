import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { invalidationCallerReference } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { createTestStore } from '@upstate/store/testing';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText, seedTenant, setStatus } from '../test/fixtures.ts';
import { publishDefinition, taskNames, taskStates } from './definition.ts';
import { localResources } from './local-publisher.ts';

// CloudFront and the Step Functions API have no local stand-in: their SDK clients are mocked and
// the exact commands asserted. DynamoDB and S3 are the real stand-ins, reached through env.
const cloudFront = mockClient(CloudFrontClient);
const notifyArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:upstate-notify';
const sfn = mockClient(SFNClient);

let s3: Awaited<ReturnType<typeof startS3rver>>;
let store: Awaited<ReturnType<typeof createTestStore>>['store'];
let lambda: typeof import('./lambda.ts');

beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'lambda-sites' });
  const test = await createTestStore();
  store = test.store;
  Object.assign(process.env, {
    TABLE_NAME: test.tableName,
    DYNAMODB_ENDPOINT: test.endpoint,
    BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    DISTRIBUTION_ID: 'EDIST123',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:upstate-publish',
    NOTIFY_STATE_MACHINE_ARN: notifyArn,
    PLATFORM_DOMAIN: 'status.example.net',
    PAGE_SCHEME: 'https',
  });
  lambda = await import('./lambda.ts');
});
afterAll(async () => {
  await s3.close();
});

describe('lambda.ts handlers', () => {
  it('run the deployed definition with Step Functions-shaped events and invalidate on the tenant’s distribution tenant', async () => {
    // Prepare
    const tenantId = 'tenant-lambda';
    await seedTenant(store, tenantId);
    cloudFront.reset();
    cloudFront.on(GetDistributionTenantByDomainCommand, { Domain: 'tenantlambda.status.example.net' }).resolves({
      DistributionTenant: {
        Id: 'dt-lambda',
        DistributionId: 'EDIST123',
        Parameters: [{ Name: 'tenantId', Value: tenantId }],
      },
    });
    cloudFront.on(CreateInvalidationForDistributionTenantCommand).resolves({});
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    // Each Task state calls the exported Lambda handler with exactly what Step Functions passes it.
    const machine = new StateMachine(publishDefinition(localResources) as unknown as StateMachineDefinition);
    const events: { state: string; input: unknown }[] = [];
    const bound = Object.fromEntries(
      taskNames.map((name) => [
        taskStates[name],
        async (input: unknown) => {
          events.push({ state: taskStates[name], input });
          return (await lambda[name](input)) as never;
        },
      ]),
    );
    const run = (version: number, name: string) =>
      machine.run(
        { tenantId, version },
        { overrides: { taskResourceLocalHandlers: bound }, context: { Execution: { Name: name } } },
      ).result;
    // Act: a first publish, then one component changes.
    const first = await store.publish.bumpContentVersion(tenantId);
    await run(first, `${tenantId}-v${first}`);
    cloudFront.resetHistory();
    sfn.resetHistory();
    events.length = 0;
    await setStatus(store, tenantId, 'cmp-001', 'major_outage');
    const second = await store.publish.bumpContentVersion(tenantId);
    const output = await run(second, `${tenantId}-v${second}`);
    // Assess
    expect(output).toEqual({ tenantId, version: second, more: false });
    const owner = `${tenantId}-v${second}`;
    expect(events.map((e) => e.state)).toEqual(['AcquireLease', 'Render', 'Sync', 'Invalidate', 'Commit']);
    // The site travels through S3, never through the state payload (Step Functions caps it at 256 KB).
    expect(Math.max(...events.map((e) => JSON.stringify(e.input).length))).toBeLessThan(4096);
    expect(events[0]?.input).toEqual({ tenantId, version: second, owner });
    expect(events[1]?.input).toEqual({ tenantId, owner });
    expect(events[2]?.input).toEqual({ tenantId, owner, version: second, build: expect.stringMatching(/^builds\//) });
    const paths = (events[3]?.input as { paths?: string[] } | undefined)?.paths ?? [];
    // One component change rewrites a dozen v2 JSON and badge files: their directories collapse to
    // wildcards, the pages stay exact, and nothing else (robots.txt, the whole site) is invalidated.
    expect(paths).toEqual(expect.arrayContaining(['/index.html', '/api/*', '/badges/*']));
    expect(paths).not.toContain('/robots.txt');
    expect(paths).not.toContain('/*');
    expect(cloudFront.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input)).toEqual(
      [
        {
          Id: 'dt-lambda',
          InvalidationBatch: {
            // Deterministic per build and target: a retried Invalidate repeats it, and CloudFront dedupes.
            CallerReference: invalidationCallerReference(
              String((events[3]?.input as { build?: string } | undefined)?.build),
              'dt-lambda',
            ),
            // More than one changed path: CloudFront gets one wildcard, billed as one path.
            Paths: { Quantity: 1, Items: ['/*'] },
          },
        },
      ],
    );
    expect(await store.publish.get(tenantId)).toMatchObject({ publishedVersion: second, lease: null });
    // The commit starts the notify run of the version the page now shows, by its one name.
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        stateMachineArn: notifyArn,
        name: `${tenantId}-n${second}`,
        input: JSON.stringify({ tenantId, version: second }),
      },
    ]);
    const summary = JSON.parse(await readText(s3.client, s3.bucket, `sites/${tenantId}/api/v2/summary.json`));
    expect(summary.page.url).toBe('https://tenantlambda.status.example.net');
  });

  it('refuse a malformed event with a named, non-retried error', async () => {
    await expect(lambda.lease({ tenantId: 'tenant-x', owner: 'run-1' })).rejects.toMatchObject({
      name: 'InvalidInput',
      code: 'validation_failed',
      field: 'version',
    });
    await expect(lambda.render({ tenantId: 'tenant-x' })).rejects.toMatchObject({ field: 'owner' });
  });

  it('reconcile starts one execution per stale tenant without a live lease', async () => {
    // Prepare
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    await seedTenant(store, 'tenant-stale');
    const version = await store.publish.bumpContentVersion('tenant-stale');
    await seedTenant(store, 'tenant-leased');
    await store.publish.bumpContentVersion('tenant-leased');
    await store.publish.acquireLease('tenant-leased', 'someone-else', 60_000);
    await seedTenant(store, 'tenant-zz-leased');
    await store.publish.bumpContentVersion('tenant-zz-leased');
    await store.publish.acquireLease('tenant-zz-leased', 'someone-else', 60_000);
    // Act
    const result = await lambda.reconcile({ source: 'aws.scheduler' });
    // Assess
    expect(result).toEqual({ started: 1 });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:upstate-publish',
        name: expect.stringMatching(new RegExp(`^tenant-stale-v${version}-r\\d+$`)),
        input: JSON.stringify({ tenantId: 'tenant-stale', version }),
      },
    ]);
    // The retried tenant moves behind the ones not retried (by name it would sort between them), so
    // tenants that keep failing cannot starve the others.
    const mine = new Set(['tenant-stale', 'tenant-leased', 'tenant-zz-leased']);
    const order = (await store.publish.listStale()).map((s) => s.tenantId).filter((id) => mine.has(id));
    expect(order).toEqual(['tenant-leased', 'tenant-zz-leased', 'tenant-stale']);
  });
});
