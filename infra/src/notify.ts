import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import type { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { SchedulerSchedule } from '@cdktn/provider-aws/lib/scheduler-schedule/index.js';
import type { SecretsmanagerSecretVersion } from '@cdktn/provider-aws/lib/secretsmanager-secret-version/index.js';
import { Sesv2ConfigurationSet } from '@cdktn/provider-aws/lib/sesv2-configuration-set/index.js';
import { Sesv2ConfigurationSetEventDestination } from '@cdktn/provider-aws/lib/sesv2-configuration-set-event-destination/index.js';
import type { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import {
  type NotifyResources,
  type NotifyTaskName,
  notifyDefinition,
  notifyTaskNames,
  notifyTaskTimeoutSeconds,
} from '@upstate/notifier/definition';
import { Construct } from 'constructs';
import type { Bundle } from './bundle.ts';
import { type Statement, serviceRole } from './iam.ts';
import { NodeFunction } from './node-function.ts';
import { loggedStateMachine } from './state-machine.ts';
import { indexQuery, listing, objects, tableAccess } from './workflow.ts';

/** The notifier bundle's functions: the Task states, SES feedback and the reminder schedule. */
export type NotifyFunctionName = NotifyTaskName | 'feedback' | 'remind';

/** Memory of each notify function's Lambda (MB): a range sends with bounded concurrency, and more memory is more CPU for MIME and TLS. */
export const notifyMemoryMb = (name: NotifyFunctionName) => (name === 'page' ? 1024 : 512);

export interface NotifyProps {
  prefix: string;
  accountId: string;
  region: string;
  table: DynamodbTable;
  bucket: S3Bucket;
  notifierBundle: Bundle;
  /** Public base URL of the platform API (the links in every message). */
  apiBase: string;
  /** The SES identity's domain (`notifications@{mailDomain}`) and its ARN. */
  mailDomain: string;
  identityArn: string;
  /** The Secrets Manager secret link tokens derive from, shared with the API (which reads the same one). */
  linkSecretArn: string;
  /** Its value: the functions read it at cold start, so they start only once it exists. */
  linkSecretVersion: SecretsmanagerSecretVersion;
  logRetentionDays: number;
}

/**
 * The IAM statements each notify function needs, and nothing else (the calls are listed one by one in
 * apps/notifier/src/aws-calls.ts; the IAM simulation holds the two together). Every one also reads
 * the link secret (the bundle's cold start).
 */
/** SES templates of this account and region (SendBulkEmail's required template resource). */
const sesTemplates = (props: Pick<NotifyProps, 'region' | 'accountId'>) =>
  `arn:aws:ses:${props.region}:${props.accountId}:template/*`;

export function notifyStatements(
  props: Pick<NotifyProps, 'table' | 'bucket' | 'region' | 'accountId'>,
  sesResources: string[],
  notifyStateMachineArn: string,
): Record<NotifyFunctionName, Statement[]> {
  const { table, bucket } = props;
  // What the page shows (its v2 JSON); listing, so a missing file is NoSuchKey rather than 403.
  const pageJson = [objects(bucket, ['GetObject'], ['sites/']), listing(bucket)];
  return {
    collect: [...pageJson, tableAccess(table, ['GetItem', 'PutItem', 'Query'])],
    page: [
      tableAccess(table, ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem']),
      // Raw content needs no ses:SendRawEmail in the v2 API; SendEmail is authorised on the identity and
      // the configuration set. SendBulkEmail also names a template as a required resource type, although
      // the notifier sends inline template content and stores none: templates of this account only.
      { actions: ['ses:SendEmail', 'ses:SendBulkEmail'], resources: sesResources },
      { actions: ['ses:SendBulkEmail'], resources: [sesTemplates(props)] },
    ],
    finish: [tableAccess(table, ['UpdateItem'])],
    feedback: [tableAccess(table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']), indexQuery(table)],
    remind: [
      indexQuery(table),
      tableAccess(table, ['GetItem', 'Query']),
      ...pageJson,
      { actions: ['states:StartExecution'], resources: [notifyStateMachineArn] },
    ],
  };
}

/**
 * The notify workflow (the very definition the local runner executes) and its task Lambdas; the SES
 * configuration set whose delivery, bounce and complaint events reach the feedback Lambda through
 * EventBridge; the maintenance-reminder schedule. Its alarms are in observability.ts, on the stage's topic.
 */
export class NotifyStack extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly tasks: Record<NotifyTaskName, NodeFunction>;
  readonly feedback: NodeFunction;
  readonly remind: NodeFunction;
  /** What `ses:SendEmail` is granted on: the identity and the configuration set (the API sends here too). */
  readonly sesResources: string[];

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    const { prefix } = props;
    this.configurationSet = new Sesv2ConfigurationSet(this, 'config-set', {
      configurationSetName: `${prefix}-notifications`,
      // SES's own account-level list also refuses hard-bounced and complained addresses.
      suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    this.sesResources = [props.identityArn, this.configurationSet.arn];
    // The machine's ARN is known before it exists: `remind` starts it, and the machine invokes the tasks.
    const stateMachineArn = `arn:aws:states:${props.region}:${props.accountId}:stateMachine:${prefix}-notify`;
    // The names apps/notifier/src/env.ts reads.
    const environment = {
      TABLE_NAME: props.table.name,
      BUCKET: props.bucket.bucket,
      API_BASE: props.apiBase,
      LINK_SECRET_ARN: props.linkSecretArn,
      MAIL_DOMAIN: props.mailDomain,
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
    };
    // Read once per cold start (packages/aws readSecretString); the value never enters the environment.
    const readLinkSecret: Statement = { actions: ['secretsmanager:GetSecretValue'], resources: [props.linkSecretArn] };
    const statements = notifyStatements(props, this.sesResources, stateMachineArn);
    const fn = (name: NotifyFunctionName, timeout: number, extra: Record<string, string> = {}) =>
      new NodeFunction(this, `fn-${name}`, {
        name: `${prefix}-notify-${name}`,
        bundle: props.notifierBundle,
        exportName: name,
        statements: [readLinkSecret, ...statements[name]],
        environment: { ...environment, ...extra },
        memorySize: notifyMemoryMb(name),
        // The Lambda stops no later than the Task state gives up on it.
        timeout,
        logRetentionDays: props.logRetentionDays,
        dependsOn: [props.linkSecretVersion],
      });
    this.tasks = {
      collect: fn('collect', notifyTaskTimeoutSeconds.collect),
      page: fn('page', notifyTaskTimeoutSeconds.page),
      finish: fn('finish', notifyTaskTimeoutSeconds.finish),
    };
    this.feedback = fn('feedback', 30);
    // A run must finish before the next minute's run starts.
    this.remind = fn('remind', 55, { NOTIFY_STATE_MACHINE_ARN: stateMachineArn });
    const resources = Object.fromEntries(
      notifyTaskNames.map((t) => [t, this.tasks[t].fn.arn]),
    ) as unknown as NotifyResources;

    this.stateMachine = loggedStateMachine(this, 'notify', {
      prefix,
      accountId: props.accountId,
      logRetentionDays: props.logRetentionDays,
      definition: notifyDefinition(resources),
      taskArns: notifyTaskNames.map((t) => this.tasks[t].fn.arn),
    });

    // SES → EventBridge (default bus) → feedback: bounces and complaints suppress the address.
    new Sesv2ConfigurationSetEventDestination(this, 'feedback-destination', {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: 'feedback',
      eventDestination: {
        enabled: true,
        matchingEventTypes: ['DELIVERY', 'BOUNCE', 'COMPLAINT'],
        eventBridgeDestination: {
          eventBusArn: `arn:aws:events:${props.region}:${props.accountId}:event-bus/default`,
        },
      },
    });
    const rule = new CloudwatchEventRule(this, 'feedback-rule', {
      name: `${prefix}-ses-feedback`,
      eventPattern: JSON.stringify({
        source: ['aws.ses'],
        'detail-type': ['Email Delivered', 'Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [`${prefix}-notifications`] } } },
      }),
    });
    new CloudwatchEventTarget(this, 'feedback-target', {
      rule: rule.name,
      arn: this.feedback.fn.arn,
      // SES events are at-least-once; a failed invocation is retried for up to an hour.
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
    });
    new LambdaPermission(this, 'feedback-invoke', {
      statementId: 'ses-feedback',
      action: 'lambda:InvokeFunction',
      functionName: this.feedback.fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });

    // The local notifier's reminder tick, every minute (apps/local/src/platform.ts).
    const schedulerRole = serviceRole(this, 'scheduler-role', {
      name: `${prefix}-notify-scheduler`,
      service: 'scheduler.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [{ actions: ['lambda:InvokeFunction'], resources: [this.remind.fn.arn] }],
    });
    new SchedulerSchedule(this, 'schedule-remind', {
      name: `${prefix}-notify-remind`,
      scheduleExpression: 'rate(1 minute)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.remind.fn.arn,
        roleArn: schedulerRole.arn,
        // A tick that could not start within its minute is superseded by the next one.
        retryPolicy: { maximumEventAgeInSeconds: 60, maximumRetryAttempts: 0 },
      },
    });
  }
}
