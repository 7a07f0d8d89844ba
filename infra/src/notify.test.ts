import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { notifyDefinition } from '@upstate/notifier/definition';
import { TerraformStack, Testing } from 'cdktn';
import { describe, expect, it } from 'vitest';
import type { Bundle } from './bundle.ts';
import { DataStack } from './data.ts';
import { EmailStack } from './email.ts';
import { NotifyStack } from './notify.ts';
import { generatedSecret } from './secret.ts';
import { type Json, resourcesOf } from './testing.ts';

// The notify construct on its own (the whole stage, IAM simulated, is in upstate-stack.test.ts and
// iam-simulation.test.ts): a stub bundle is enough, nothing here runs the code.
function synth(): Json {
  const dir = mkdtempSync(join(tmpdir(), 'upstate-notify-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), 'export {};\n');
  const bundle = { name: 'notifier', dir, handlerPath: 'index', bytes: 10, sources: [], exports: [] } as Bundle;
  const app = Testing.app();
  const stack = new TerraformStack(app, 'notify-test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const data = new DataStack(stack, 'data', { prefix: 'upstate-test' });
  const email = new EmailStack(stack, 'email', { domain: 'upstate.page' });
  const linkSecret = generatedSecret(stack, 'link-secret', { name: 'upstate-test/link-secret', description: 'links' });
  new NotifyStack(stack, 'notify', {
    prefix: 'upstate-test',
    accountId: '111122223333',
    region: 'eu-west-1',
    table: data.table,
    bucket: data.bucket,
    notifierBundle: bundle,
    apiBase: 'https://api.upstate.page',
    mailDomain: 'upstate.page',
    identityArn: email.identity.arn,
    linkSecretArn: linkSecret.secret.arn,
    linkSecretVersion: linkSecret.version,
    logRetentionDays: 30,
  });
  return JSON.parse(Testing.synth(stack));
}

describe('notify infrastructure', () => {
  const tf = synth();
  const fns = Object.values(resourcesOf(tf, 'aws_lambda_function')) as Json[];
  const fnRef = (name: string) => {
    const [id] = Object.entries(resourcesOf(tf, 'aws_lambda_function')).find(
      ([, f]) => f.function_name === `upstate-test-notify-${name}`,
    ) ?? [''];
    return `\${aws_lambda_function.${id}.arn}`;
  };
  const policies = Object.values(resourcesOf(tf, 'aws_iam_role_policy')).map((p: Json) => JSON.parse(p.policy));

  it('deploys the very definition the local runner executes, its tasks bound to the task Lambdas', () => {
    const machine = Object.values(resourcesOf(tf, 'aws_sfn_state_machine'))[0] as Json;
    const expected = notifyDefinition({ collect: fnRef('collect'), page: fnRef('page'), finish: fnRef('finish') });
    expect(JSON.parse(machine.definition)).toEqual(expected);
    expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: false });
  });

  it('gives each function only explicit actions; only the page task may send email; none holds a secret value', () => {
    expect(fns.map((f) => f.function_name).sort()).toEqual(
      ['collect', 'feedback', 'finish', 'page', 'remind'].map((n) => `upstate-test-notify-${n}`),
    );
    const actions = policies.flatMap((p) => p.Statement.flatMap((s: Json) => s.Action as string[]));
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
    const senders = policies.filter((p) => p.Statement.some((s: Json) => s.Action.includes('ses:SendEmail')));
    expect(senders).toHaveLength(1);
    expect(senders[0].Statement.find((s: Json) => s.Action.includes('ses:SendEmail')).Resource).toEqual([
      expect.stringContaining('aws_sesv2_email_identity.'),
      expect.stringContaining('aws_sesv2_configuration_set.'),
    ]);
    for (const f of fns) {
      const variables = f.environment.variables as Record<string, string>;
      expect(variables.LINK_SECRET_ARN).toContain('aws_secretsmanager_secret.');
      expect(Object.values(variables).join(' ')).not.toContain('random_password');
    }
  });

  it('routes SES delivery, bounce and complaint events of its configuration set to the feedback function', () => {
    const destination = Object.values(resourcesOf(tf, 'aws_sesv2_configuration_set_event_destination'))[0] as Json;
    expect(destination.event_destination.matching_event_types).toEqual(['DELIVERY', 'BOUNCE', 'COMPLAINT']);
    const rule = Object.values(resourcesOf(tf, 'aws_cloudwatch_event_rule'))[0] as Json;
    const pattern = JSON.parse(rule.event_pattern);
    expect(pattern.source).toEqual(['aws.ses']);
    expect(pattern.detail.mail.tags['ses:configuration-set']).toEqual(['upstate-test-notifications']);
    const target = Object.values(resourcesOf(tf, 'aws_cloudwatch_event_target'))[0] as Json;
    expect(target.arn).toBe(fnRef('feedback'));
    const permission = Object.values(resourcesOf(tf, 'aws_lambda_permission'))[0] as Json;
    expect(permission).toMatchObject({
      principal: 'events.amazonaws.com',
      source_arn: expect.stringContaining('event_rule'),
    });
  });

  it('ticks the maintenance reminder every minute, and only `remind` may start notify runs', () => {
    const schedule = Object.values(resourcesOf(tf, 'aws_scheduler_schedule'))[0] as Json;
    expect(schedule.schedule_expression).toBe('rate(1 minute)');
    expect(schedule.target.arn).toBe(fnRef('remind'));
    const remind = fns.find((f) => f.function_name === 'upstate-test-notify-remind');
    expect(remind.environment.variables.NOTIFY_STATE_MACHINE_ARN).toBe(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:upstate-test-notify',
    );
    const starters = policies.filter((p) => p.Statement.some((s: Json) => s.Action.includes('states:StartExecution')));
    expect(starters).toHaveLength(1);
  });
});
