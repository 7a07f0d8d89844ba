import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import type { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { Sesv2ConfigurationSet } from '@cdktn/provider-aws/lib/sesv2-configuration-set/index.js';
import { Sesv2ConfigurationSetEventDestination } from '@cdktn/provider-aws/lib/sesv2-configuration-set-event-destination/index.js';
import { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import {
  type NotifyResources,
  type NotifyTaskName,
  notifyDefinition,
  notifyTaskTimeoutSeconds,
} from '@upstate/notifier/definition';
import { Construct } from 'constructs';
import type { Bundle } from './bundle.ts';
import { type Statement, serviceRole } from './iam.ts';
import { NodeFunction } from './node-function.ts';

export interface NotifyProps {
  prefix: string;
  accountId: string;
  region: string;
  table: DynamodbTable;
  bucket: S3Bucket;
  notifierBundle: Bundle;
  /** Public base URL of the platform API (the links in every message). */
  apiBase: string;
  /** The SES identity's domain (`notifications@{mailDomain}`). */
  mailDomain: string;
  /** The Secrets Manager secret link tokens derive from, shared with the API (which must read the same one). */
  linkSecretArn: string;
  alarmTopicArn?: string;
  logRetentionDays: number;
}

const table = (t: DynamodbTable, actions: string[], withIndexes = false): Statement => ({
  actions: actions.map((a) => `dynamodb:${a}`),
  resources: withIndexes ? [t.arn, `${t.arn}/index/*`] : [t.arn],
});

/**
 * The IAM actions each notify function needs, and nothing else:
 * - collect: read the published v2 JSON (`s3:GetObject` on `sites/*`, `s3:ListBucket` so a missing page
 *   is a 404), claim entries (`PutItem`), split subscribers into ranges (`Query`).
 * - page: tenant, components, entries (`GetItem`, `Query`), suppression (`BatchGetItem`), delivery
 *   claims and outcomes (`PutItem`, `UpdateItem`), send (`ses:SendEmail` on the identity and the
 *   configuration set; raw content needs no `ses:SendRawEmail` in the v2 API).
 * - finish: mark entries complete (`UpdateItem`).
 * - feedback: find the delivery by message id (`Query` on gsi2), record it, suppress and delete the
 *   subscriber (`GetItem`, `PutItem`, `UpdateItem`, `DeleteItem`).
 * Every one also reads the link secret (`secretsmanager:GetSecretValue` on that secret only).
 */
export function notifyStatements(props: Pick<NotifyProps, 'table' | 'bucket'>, sesResources: string[]) {
  const sites: Statement = { actions: ['s3:GetObject'], resources: [`${props.bucket.arn}/sites/*`] };
  const listing: Statement = { actions: ['s3:ListBucket'], resources: [props.bucket.arn] };
  return {
    collect: [sites, listing, table(props.table, ['PutItem', 'Query'])],
    page: [
      table(props.table, ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem']),
      { actions: ['ses:SendEmail'], resources: sesResources },
    ],
    finish: [table(props.table, ['UpdateItem'])],
    feedback: [table(props.table, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], true)],
  } satisfies Record<NotifyTaskName | 'feedback', Statement[]>;
}

/**
 * The notify workflow (the very definition the local runner executes), its task Lambdas, the SES
 * configuration set whose bounce/complaint/delivery events reach the feedback Lambda through
 * EventBridge, and an alarm on failed runs.
 */
export class NotifyStack extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly tasks: Record<NotifyTaskName, NodeFunction>;
  readonly feedback: NodeFunction;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    const { prefix } = props;
    this.configurationSet = new Sesv2ConfigurationSet(this, 'config-set', {
      configurationSetName: `${prefix}-notifications`,
      // SES's own account-level list also refuses hard-bounced and complained addresses.
      suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const sesResources = [
      `arn:aws:ses:${props.region}:${props.accountId}:identity/${props.mailDomain}`,
      this.configurationSet.arn,
    ];
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
    const statements = notifyStatements(props, sesResources);
    const fn = (name: NotifyTaskName | 'feedback', timeout: number, memorySize = 512) =>
      new NodeFunction(this, `fn-${name}`, {
        name: `${prefix}-notify-${name}`,
        bundle: props.notifierBundle,
        exportName: name,
        statements: [readLinkSecret, ...statements[name]],
        environment,
        memorySize,
        timeout,
        logRetentionDays: props.logRetentionDays,
      });
    this.tasks = {
      collect: fn('collect', notifyTaskTimeoutSeconds.collect),
      page: fn('page', notifyTaskTimeoutSeconds.page, 1024),
      finish: fn('finish', notifyTaskTimeoutSeconds.finish),
    };
    this.feedback = fn('feedback', 30);
    const resources: NotifyResources = {
      collect: this.tasks.collect.fn.arn,
      page: this.tasks.page.fn.arn,
      finish: this.tasks.finish.fn.arn,
    };

    const logs = new CloudwatchLogGroup(this, 'notify-logs', {
      name: `/aws/vendedlogs/states/${prefix}-notify`,
      retentionInDays: props.logRetentionDays,
    });
    const role = serviceRole(this, 'notify-role', {
      name: `${prefix}-notify-sfn`,
      service: 'states.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [
        { actions: ['lambda:InvokeFunction'], resources: Object.values(resources) },
        // Step Functions' log delivery API takes no resource ARN: these actions only accept `*`.
        {
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        },
      ],
    });
    this.stateMachine = new SfnStateMachine(this, 'notify', {
      name: `${prefix}-notify`,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: JSON.stringify(notifyDefinition(resources)),
      loggingConfiguration: { level: 'ERROR', includeExecutionData: false, logDestination: `${logs.arn}:*` },
    });

    const bus = `arn:aws:events:${props.region}:${props.accountId}:event-bus/default`;
    new Sesv2ConfigurationSetEventDestination(this, 'feedback-destination', {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: 'feedback',
      eventDestination: {
        enabled: true,
        matchingEventTypes: ['DELIVERY', 'BOUNCE', 'COMPLAINT'],
        eventBridgeDestination: { eventBusArn: bus },
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
    new CloudwatchEventTarget(this, 'feedback-target', { rule: rule.name, arn: this.feedback.fn.arn });
    new LambdaPermission(this, 'feedback-invoke', {
      statementId: 'ses-feedback',
      action: 'lambda:InvokeFunction',
      functionName: this.feedback.fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });

    new CloudwatchMetricAlarm(this, 'notify-failed', {
      alarmName: `${prefix}-notify-failed`,
      alarmDescription: 'A notify run failed after its retries: some subscribers may not have heard of an update.',
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: this.stateMachine.arn },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...(props.alarmTopicArn ? { alarmActions: [props.alarmTopicArn] } : {}),
    });
  }
}
