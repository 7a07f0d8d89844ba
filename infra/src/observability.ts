import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { KmsKey } from '@cdktn/provider-aws/lib/kms-key/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktn/provider-aws/lib/sns-topic-subscription/index.js';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  prefix: string;
  accountId: string;
  partition: string;
  alarmEmail: string;
  stateMachineArn: string;
  apiId: string;
  tableName: string;
  distributionId: string;
  checkerFunctionName: string;
  reconcilerFunctionName: string;
  /** The notify workflow and the functions whose failure means subscribers hear nothing, or keep bounced addresses. */
  notify: { stateMachineArn: string; feedbackFunctionName: string; remindFunctionName: string };
  /** Every Lambda of the stage: each gets a throttle alarm. */
  functionNames: string[];
  /** The us-east-1 provider when the stage runs elsewhere: CloudFront publishes its metrics only there. */
  usEast1?: AwsProvider;
}

/** The table operations the code performs: DynamoDB reports SystemErrors per table and operation only. */
export const tableOperations = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem'] as const;

/**
 * An encrypted alarm topic with its email subscription. A customer-managed key, because an alarm
 * cannot publish to a topic under the AWS-managed SNS key (CloudWatch may not use that key).
 */
function alarmTopic(scope: Construct, id: string, props: ObservabilityProps, provider?: AwsProvider): SnsTopic {
  const key = new KmsKey(scope, `${id}-key`, {
    provider,
    description: `${props.prefix}: encrypts the alarm topic`,
    enableKeyRotation: true,
    deletionWindowInDays: 7,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchPublishesAlarms',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ],
    }),
  });
  const topic = new SnsTopic(scope, id, {
    provider,
    name: `${props.prefix}-${id}`,
    kmsMasterKeyId: key.arn,
  });
  new SnsTopicSubscription(scope, `${id}-email`, {
    provider,
    topicArn: topic.arn,
    protocol: 'email',
    endpoint: props.alarmEmail,
  });
  return topic;
}

/**
 * Alarms that page a human: a publish that failed or was throttled, an API that answered 5xx, a
 * checker that erred, any Lambda throttled, DynamoDB errors or throttling, CloudFront serving 5xx.
 */
export class ObservabilityStack extends Construct {
  readonly topic: SnsTopic;
  /** The topic of the CloudFront alarm (us-east-1); the same topic when the stage is in us-east-1. */
  readonly globalTopic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = alarmTopic(this, 'alarms', props);
    this.globalTopic = props.usEast1 ? alarmTopic(this, 'global-alarms', props, props.usEast1) : this.topic;

    const alarm = (
      name: string,
      description: string,
      metric:
        | { namespace: string; metricName: string; dimensions: Record<string, string> }
        | { metricQuery: CloudwatchMetricAlarmMetricQuery[] },
      threshold: number,
      options: { statistic?: string; topic?: SnsTopic; provider?: AwsProvider } = {},
    ) => {
      const topic = options.topic ?? this.topic;
      return new CloudwatchMetricAlarm(this, name, {
        provider: options.provider,
        alarmName: `${props.prefix}-${name}`,
        alarmDescription: description,
        ...metric,
        ...('metricQuery' in metric ? {} : { statistic: options.statistic ?? 'Sum', period: 300 }),
        evaluationPeriods: 1,
        threshold,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No data means nothing failed.
        treatMissingData: 'notBreaching',
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      });
    };
    const states = (metricName: string, stateMachineArn = props.stateMachineArn) => ({
      namespace: 'AWS/States',
      metricName,
      dimensions: { StateMachineArn: stateMachineArn },
    });
    const errors = (functionName: string) => ({
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: functionName },
    });
    const table = (metricName: string) => ({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensions: { TableName: props.tableName },
    });

    this.alarms = [
      alarm(
        'publish-failed',
        'A publish execution failed or timed out: a page may be stale until the reconciler retries it',
        states('ExecutionsFailed'),
        1,
      ),
      alarm('publish-timed-out', 'A publish execution hit its one-hour timeout', states('ExecutionsTimedOut'), 1),
      alarm(
        'publish-throttled',
        'Step Functions throttled publish executions: pages update late',
        states('ExecutionThrottled'),
        1,
      ),
      alarm(
        'transitions-throttled',
        'Step Functions throttled state transitions (an account quota): publishes run late',
        {
          namespace: 'AWS/States',
          metricName: 'ThrottledEvents',
          dimensions: { ServiceMetric: 'StateTransition' },
        },
        1,
      ),
      // The API promises 4xx for every bad input: any 5xx is a bug.
      alarm(
        'api-5xx',
        'The management API answered 5xx',
        { namespace: 'AWS/ApiGateway', metricName: '5xx', dimensions: { ApiId: props.apiId, Stage: '$default' } },
        1,
      ),
      // A single transient failure retries next minute; three in five minutes means monitors are not running.
      alarm(
        'checker-errors',
        'The checker Lambda failed repeatedly: monitors are not being checked',
        { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: props.checkerFunctionName } },
        3,
      ),
      alarm(
        'reconciler-errors',
        'The reconciler failed: lost publish triggers are not being recovered',
        { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: props.reconcilerFunctionName } },
        1,
      ),
      // A failed notify run has exhausted its retries: some subscribers did not hear of an update.
      alarm(
        'notify-failed',
        'A notify execution failed or timed out: some subscribers may not have heard of an update',
        states('ExecutionsFailed', props.notify.stateMachineArn),
        1,
      ),
      alarm(
        'notify-timed-out',
        'A notify execution hit its one-hour timeout',
        states('ExecutionsTimedOut', props.notify.stateMachineArn),
        1,
      ),
      // EventBridge retries a failed event, but an error that persists keeps bounced addresses subscribed.
      alarm(
        'feedback-errors',
        'The SES feedback Lambda failed: bounces and complaints may not be suppressing addresses',
        errors(props.notify.feedbackFunctionName),
        1,
      ),
      alarm(
        'reminder-errors',
        'The maintenance-reminder schedule failed repeatedly: reminders are not going out',
        errors(props.notify.remindFunctionName),
        3,
      ),
      alarm(
        'table-system-errors',
        'DynamoDB answered 5xx to the stage’s table',
        {
          metricQuery: [
            { id: 'errors', expression: tableOperations.map((_, i) => `m${i}`).join(' + '), returnData: true },
            ...tableOperations.map((operation, i) => ({
              id: `m${i}`,
              metric: {
                namespace: 'AWS/DynamoDB',
                metricName: 'SystemErrors',
                dimensions: { TableName: props.tableName, Operation: operation },
                period: 300,
                stat: 'Sum',
              },
            })),
          ],
        },
        1,
      ),
      alarm('table-write-throttled', 'DynamoDB throttled writes to the table', table('WriteThrottleEvents'), 1),
      alarm('table-read-throttled', 'DynamoDB throttled reads of the table', table('ReadThrottleEvents'), 1),
      ...props.functionNames.map((functionName) =>
        alarm(
          `throttled-${functionName.slice(props.prefix.length + 1)}`,
          `Lambda throttled ${functionName}: raise the account's concurrency quota or reserve concurrency`,
          { namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: { FunctionName: functionName } },
          1,
        ),
      ),
      // A rate, not a count: a few 5xx among millions of reads is noise; 1% of all reads is an outage.
      alarm(
        'cdn-5xx',
        'CloudFront served 5xx on at least 1% of status page requests',
        {
          namespace: 'AWS/CloudFront',
          metricName: '5xxErrorRate',
          dimensions: { DistributionId: props.distributionId, Region: 'Global' },
        },
        1,
        { statistic: 'Average', topic: this.globalTopic, provider: props.usEast1 },
      ),
    ];
  }
}
