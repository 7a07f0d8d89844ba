import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import { logDeliveryActions } from '@upstate/aws';
import type { Construct } from 'constructs';
import { serviceRole } from './iam.ts';

/**
 * A standard state machine with its own role (invoke exactly its task Lambdas, deliver its logs; assumable
 * only by Step Functions of this account) and an error-level log group without execution data, so no
 * task input or output (subscriber ranges, tenant ids) is logged.
 */
export function loggedStateMachine(
  scope: Construct,
  id: string,
  props: {
    prefix: string;
    accountId: string;
    logRetentionDays: number;
    /** The workflow's definition, serialised: the very object the local runner executes. */
    definition: unknown;
    taskArns: string[];
  },
): SfnStateMachine {
  const name = `${props.prefix}-${id}`;
  const logs = new CloudwatchLogGroup(scope, `${id}-logs`, {
    name: `/aws/vendedlogs/states/${name}`,
    retentionInDays: props.logRetentionDays,
  });
  const role = serviceRole(scope, `${id}-role`, {
    name: `${name}-sfn`,
    service: 'states.amazonaws.com',
    sourceAccount: props.accountId,
    statements: [
      { actions: ['lambda:InvokeFunction'], resources: props.taskArns },
      // Step Functions' log delivery API takes no resource ARN: these actions only accept `*`.
      { actions: [...logDeliveryActions], resources: ['*'] },
    ],
  });
  return new SfnStateMachine(scope, id, {
    name,
    type: 'STANDARD',
    roleArn: role.arn,
    definition: JSON.stringify(props.definition),
    loggingConfiguration: { level: 'ERROR', includeExecutionData: false, logDestination: `${logs.arn}:*` },
  });
}
