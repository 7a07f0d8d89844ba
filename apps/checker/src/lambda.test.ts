import { recordingPublishTrigger } from '@upstate/core/testing';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';
import { createHandler } from './lambda.ts';

const base = { TABLE_NAME: 'upstate', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:publish' };

describe('env', () => {
  it('refuses private targets unless explicitly allowed, with sensible defaults', () => {
    expect(readEnv(base)).toMatchObject({
      ALLOW_PRIVATE_TARGETS: false,
      CHECKER_CONCURRENCY: 32,
      AWS_REGION: 'us-east-1',
    });
    expect(readEnv({ ...base, ALLOW_PRIVATE_TARGETS: 'true', CHECKER_CONCURRENCY: '8' })).toMatchObject({
      ALLOW_PRIVATE_TARGETS: true,
      CHECKER_CONCURRENCY: 8,
    });
  });

  it('names the offending variable', () => {
    expect(() => readEnv({ STATE_MACHINE_ARN: base.STATE_MACHINE_ARN })).toThrow(/TABLE_NAME/);
    expect(() => readEnv({ ...base, ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(/ALLOW_PRIVATE_TARGETS/);
    expect(() => readEnv({ ...base, CHECKER_CONCURRENCY: '0' })).toThrow(/CHECKER_CONCURRENCY/);
  });
});

describe('scheduled handler', () => {
  it('runs the due monitors and the day rollover against the table', async () => {
    const now = () => new Date('2026-11-24T10:00:00.000Z');
    const { store, client, tableName } = await createTestStore({ now });
    await store.tenants.create({ id: 't1', slug: 'one', name: 'One', timezone: 'UTC', createdAt: now().toISOString() });
    const publishTrigger = recordingPublishTrigger();
    const run = createHandler({ ...readEnv(base), TABLE_NAME: tableName }, { client, publishTrigger, now });

    expect(await run()).toEqual({ checked: 0, flips: 0, published: 0, maintenanceTransitions: 0, rolledOver: 1 });
    expect(await run()).toMatchObject({ rolledOver: 0 });
    expect(publishTrigger.calls).toEqual([{ tenantId: 't1', contentVersion: 1 }]);
  });
});
