import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { notifyDefinition } from '@upstate/notifier/definition';
import { TerraformStack, Testing } from 'cdktn';
import { describe, expect, it } from 'vitest';
import type { Bundle } from './bundle.ts';
import { DataStack } from './data.ts';
import { NotifyStack } from './notify.ts';
import { type Json, resourcesOf } from './testing.ts';

// The notify construct on its own (the whole-stage synth does not wire it yet): a stub bundle is
// enough, nothing here runs the code.
function synth(): Json {
  const dir = mkdtempSync(join(tmpdir(), 'upstate-notify-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), 'export {};\n');
  const bundle = { name: 'notifier', dir, handlerPath: 'index', bytes: 10 } as unknown as Bundle;
  const app = Testing.app();
  const stack = new TerraformStack(app, 'notify-test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const data = new DataStack(stack, 'data', { prefix: 'upstate-test' });
  new NotifyStack(stack, 'notify', {
    prefix: 'upstate-test',
    accountId: '111122223333',
    region: 'eu-west-1',
    table: data.table,
    bucket: data.bucket,
    notifierBundle: bundle,
    apiBase: 'https://api.upstate.page',
    mailDomain: 'upstate.page',
    linkSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:upstate-test/link-secret',
    logRetentionDays: 30,
  });
  return JSON.parse(Testing.synth(stack));
}

describe('notify infrastructure', () => {
  const tf = synth();
  const fns = Object.values(resourcesOf(tf, 'aws_lambda_function')) as Json[];
  const policies = Object.values(resourcesOf(tf, 'aws_iam_role_policy')).map((p: Json) => JSON.parse(p.policy));

  it('deploys the very definition the local runner executes', () => {
    const machine = Object.values(resourcesOf(tf, 'aws_sfn_state_machine'))[0] as Json;
    const deployed = JSON.parse(machine.definition);
    const local = notifyDefinition({ collect: 'a', page: 'b', finish: 'c' });
    expect(Object.keys(deployed.States)).toEqual(Object.keys(local.States));
    expect(deployed.States.FanOut.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(deployed.QueryLanguage).toBe('JSONPath');
  });

  it('gives each function only explicit actions, and only the page task may send email', () => {
    expect(fns.map((f) => f.function_name).sort()).toEqual(
      ['collect', 'feedback', 'finish', 'page'].map((n) => `upstate-test-notify-${n}`),
    );
    const actions = policies.flatMap((p) => p.Statement.flatMap((s: Json) => s.Action as string[]));
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
    const senders = policies.filter((p) => p.Statement.some((s: Json) => s.Action.includes('ses:SendEmail')));
    expect(senders).toHaveLength(1);
    expect(senders[0].Statement.find((s: Json) => s.Action.includes('ses:SendEmail')).Resource).toHaveLength(2);
  });

  it('routes SES delivery, bounce and complaint events of its configuration set to the feedback function', () => {
    const destination = Object.values(resourcesOf(tf, 'aws_sesv2_configuration_set_event_destination'))[0] as Json;
    expect(destination.event_destination.matching_event_types).toEqual(['DELIVERY', 'BOUNCE', 'COMPLAINT']);
    const rule = Object.values(resourcesOf(tf, 'aws_cloudwatch_event_rule'))[0] as Json;
    expect(JSON.parse(rule.event_pattern).source).toEqual(['aws.ses']);
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm'))).toHaveLength(1);
  });
});
