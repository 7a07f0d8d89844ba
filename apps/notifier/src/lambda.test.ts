import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { reminderExecutionName } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { type Component, newId } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import { type Store, targetHash } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishJson } from './testing.ts';

// The Lambda entry module as Lambda loads it: configured by its environment only, the link secret read
// from Secrets Manager at cold start. Secrets Manager and the Step Functions API have no stand-in, so
// their clients are mocked and the exact commands asserted; DynamoDB is dynalite, S3 s3rver.
const linkSecretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:upstate-test/link-secret-AbCdEf';
const notifyArn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:upstate-test-notify';
const secrets = mockClient(SecretsManagerClient);
const sfn = mockClient(SFNClient);

let s3: Awaited<ReturnType<typeof startS3rver>>;
let store: Store;
let tenantId: string;
let lambda: typeof import('./lambda.ts');

beforeAll(async () => {
  secrets.on(GetSecretValueCommand, { SecretId: linkSecretArn }).resolves({ SecretString: 'link-secret-value-0123' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
  s3 = await startS3rver();
  const db = await createTestStore();
  store = db.store;
  // A tenant whose page shows a maintenance starting in 30 minutes, scheduled well before its reminder lead.
  tenantId = `t-${newId()}`;
  const now = Date.now();
  const snapshot = fixtureSnapshot({ tenantId, now: new Date(now - 2 * 86_400_000).toISOString() });
  await store.tenants.create(snapshot.tenant, snapshot.branding);
  for (const c of snapshot.components) await store.components.create(c as Component);
  const createdAt = new Date(now - 86_400_000).toISOString();
  snapshot.maintenances = [
    {
      id: 'm-1',
      tenantId,
      name: 'Database upgrade',
      status: 'scheduled',
      impact: 'minor',
      componentIds: [],
      scheduledFor: new Date(now + 30 * 60_000).toISOString(),
      scheduledUntil: new Date(now + 90 * 60_000).toISOString(),
      autoStart: true,
      autoComplete: true,
      createdAt,
      updatedAt: createdAt,
      updates: [
        {
          id: 'm-1-u1',
          status: 'scheduled',
          body: 'We will upgrade the database.',
          displayAt: createdAt,
          createdAt,
          author: { kind: 'api_key', id: 'k1', label: 'ops' },
        },
      ],
      version: 1,
    },
  ];
  await publishJson(s3.client, s3.bucket, snapshot);
  // A second tenant with nothing due.
  const quiet = fixtureSnapshot({ tenantId: `t-${newId()}`, slug: `quiet-${newId()}` });
  await store.tenants.create(quiet.tenant, quiet.branding);
  const endpoint = await (
    db.store.db.doc.config.endpoint as () => Promise<{ hostname: string; port?: number; protocol: string }>
  )();
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    // s3rver's own key pair; dynalite accepts any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    TABLE_NAME: db.store.db.table,
    DYNAMODB_ENDPOINT: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
    S3_ENDPOINT: s3.endpoint,
    BUCKET: s3.bucket,
    API_BASE: 'https://api.upstate.page',
    LINK_SECRET_ARN: linkSecretArn,
    MAIL_DOMAIN: 'upstate.page',
    NOTIFY_STATE_MACHINE_ARN: notifyArn,
  });
  lambda = await import('./lambda.ts');
});
afterAll(() => s3?.close());

describe('notifier Lambda entry', () => {
  it('reads the link secret once, at cold start, from Secrets Manager', () => {
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: linkSecretArn },
    ]);
  });

  it('remind starts one notify run per tenant with a reminder due, named for the minute, and none for the others', async () => {
    // Act
    const before = new Date();
    const result = await lambda.remind({});
    // Assess
    expect(result).toEqual({ started: 1 });
    const starts = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(starts).toHaveLength(1);
    const names = [before, new Date()].map((at) => reminderExecutionName(tenantId, at));
    expect(starts[0]).toEqual({
      stateMachineArn: notifyArn,
      name: expect.any(String),
      input: JSON.stringify({ tenantId, version: 0 }),
    });
    expect(names).toContain(starts[0]?.name);
  });

  it('feedback turns an EventBridge SES bounce into a suppressed, removed subscriber; other events are ignored', async () => {
    // Prepare: a delivery with a known SES message id
    const { subscriber } = await subscribe(
      { store, publishTrigger: { requestPublish: async () => {} }, now: () => new Date(), log: () => {} },
      { tenantId, channel: 'email', target: 'bounces@example.com', confirmed: true, linkSecret: 'x' },
    );
    const ref = {
      tenantId,
      entryKey: 'incident:i-1:u-1',
      subscriberId: subscriber?.id as string,
      channel: 'email' as const,
    };
    await store.deliveries.claim(ref, 'r1');
    await store.deliveries.settle(ref, 'sent', { messageId: 'ses-msg-1' });
    // Act: the event shapes SES publishes to EventBridge
    const ignored = await lambda.feedback({ detail: { eventType: 'Open', mail: { messageId: 'ses-msg-1' } } });
    const handled = await lambda.feedback({
      detail: { eventType: 'Bounce', mail: { messageId: 'ses-msg-1' }, bounce: { bounceType: 'Permanent' } },
    });
    // Assess
    expect(ignored).toEqual({ handled: false });
    expect(handled).toEqual({ handled: true });
    expect(await store.subscribers.get(tenantId, subscriber?.id as string)).toBeUndefined();
    expect(await store.suppressions.has(tenantId, targetHash(tenantId, 'bounces@example.com'))).toBe(true);
  });
});
