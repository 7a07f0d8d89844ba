import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktn/provider-aws/lib/sns-topic-subscription/index.js';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  prefix: string;
  alarmEmail: string;
  stateMachineArn: string;
  apiId: string;
  checkerFunctionName: string;
  reconcilerFunctionName: string;
}

/** Alarms that page a human: a publish that failed, an API that answered 5xx, a checker that erred. */
export class ObservabilityStack extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'alarms', { name: `${props.prefix}-alarms` });
    new SnsTopicSubscription(this, 'alarm-email', {
      topicArn: this.topic.arn,
      protocol: 'email',
      endpoint: props.alarmEmail,
    });
    const alarm = (
      name: string,
      description: string,
      metric: { namespace: string; metricName: string; dimensions: Record<string, string> },
      threshold: number,
    ) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: `${props.prefix}-${name}`,
        alarmDescription: description,
        ...metric,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No data means nothing failed.
        treatMissingData: 'notBreaching',
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      });
    this.alarms = [
      alarm(
        'publish-failed',
        'A publish execution failed or timed out: a page may be stale until the reconciler retries it',
        {
          namespace: 'AWS/States',
          metricName: 'ExecutionsFailed',
          dimensions: { StateMachineArn: props.stateMachineArn },
        },
        1,
      ),
      alarm(
        'publish-timed-out',
        'A publish execution hit its one-hour timeout',
        {
          namespace: 'AWS/States',
          metricName: 'ExecutionsTimedOut',
          dimensions: { StateMachineArn: props.stateMachineArn },
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
    ];
  }
}
