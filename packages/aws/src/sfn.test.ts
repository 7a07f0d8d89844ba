import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  executionName,
  notifyExecutionName,
  reconcileExecutionName,
  reminderExecutionName,
  sfnNotifyTrigger,
  sfnPublishTrigger,
  sfnStartPublish,
} from './sfn.ts';

// The Step Functions API has no local stand-in (aws-local-stepfunctions runs a definition, not the
// service API): the SDK is mocked and the exact command asserted.
const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:upstate-publish';

describe('Step Functions publish start', () => {
  it('requestPublish starts one execution named after the tenant and version, with that input', async () => {
    const client = new SFNClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    await sfnPublishTrigger({ client, stateMachineArn: arn }).requestPublish('t1', 7);
    expect(mock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: arn, name: 't1-v7', input: JSON.stringify({ tenantId: 't1', version: 7 }) },
    ]);
  });

  it('a second start of the same name is a no-op, and any other error surfaces', async () => {
    const client = new SFNClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    const start = sfnStartPublish({ client, stateMachineArn: arn });
    mock.on(StartExecutionCommand).rejectsOnce(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    await expect(start('t1', 7, 't1-v7')).resolves.toBe(false);
    await expect(sfnPublishTrigger({ client, stateMachineArn: arn }).requestPublish('t1', 7)).resolves.toBeUndefined();
    mock.reset();
    mock.on(StartExecutionCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(start('t1', 8, 't1-v8')).rejects.toThrow('throttled');
  });

  it('names fit the 80-character limit; a reconcile start is distinct from the trigger of the same version', () => {
    const long = 'x'.repeat(100);
    expect(executionName(long, 1)).toHaveLength(80);
    const at = new Date('2026-12-01T10:00:00.000Z');
    expect(reconcileExecutionName('t1', 7, at)).toBe(`t1-v7-r${at.getTime()}`);
    expect(reconcileExecutionName('t1', 7, at)).not.toBe(executionName('t1', 7));
  });
});

describe('Step Functions notify start', () => {
  const notifyArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:upstate-notify';

  it('requestNotify starts the run of that committed version, once however often the commit retries', async () => {
    const client = new SFNClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:exec' })
      .rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    const trigger = sfnNotifyTrigger({ client, stateMachineArn: notifyArn });
    await trigger.requestNotify('t1', 7);
    await expect(trigger.requestNotify('t1', 7)).resolves.toBeUndefined();
    expect(mock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual(
      Array(2).fill({
        stateMachineArn: notifyArn,
        name: 't1-n7',
        input: JSON.stringify({ tenantId: 't1', version: 7 }),
      }),
    );
  });

  it('a reminder run is named per minute, distinct from every version’s run', () => {
    const at = new Date('2026-12-01T10:00:59.000Z');
    expect(reminderExecutionName('t1', at)).toBe(reminderExecutionName('t1', new Date('2026-12-01T10:00:00.000Z')));
    expect(reminderExecutionName('t1', at)).not.toBe(reminderExecutionName('t1', new Date('2026-12-01T10:01:00.000Z')));
    expect(reminderExecutionName('t1', at)).not.toBe(notifyExecutionName('t1', 0));
    expect(notifyExecutionName('x'.repeat(100), 1)).toHaveLength(80);
  });
});
