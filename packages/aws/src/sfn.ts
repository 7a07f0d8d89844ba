import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { NotifyTrigger, PublishTrigger } from '@upstate/core';
import { type AwsEnv, clientConfig } from './config.ts';

export const sfnClient = (env: AwsEnv) => new SFNClient(clientConfig(env, env.SFN_ENDPOINT));

// Step Functions caps an execution name at 80 characters and refuses to reuse one for 90 days.
const maxNameLength = 80;

/**
 * The execution name of a publish: the same tenant and version always give the same name, so a
 * second trigger for a version (API and checker racing) is a no-op rather than a second run.
 */
export const executionName = (tenantId: string, version: number) => `${tenantId}-v${version}`.slice(0, maxNameLength);

/**
 * The name of a reconciler's start: distinct per attempt, because the plain name may belong to a
 * failed run of that version, and Step Functions refuses to reuse it.
 */
export const reconcileExecutionName = (tenantId: string, version: number, at: Date) =>
  `${tenantId}-v${version}-r${at.getTime()}`.slice(0, maxNameLength);

/**
 * The execution name of the notify run of one committed version: the same version always gives the same
 * name, so a retried commit (or two racing publishes) starts one run, and every claim carries it.
 */
export const notifyExecutionName = (tenantId: string, version: number) =>
  `${tenantId}-n${version}`.slice(0, maxNameLength);

/**
 * The name of a maintenance-reminder run: one per tenant per minute of the schedule. The reminder's own
 * claim keeps it to one message per subscriber however many runs see it.
 */
export const reminderExecutionName = (tenantId: string, at: Date) =>
  `${tenantId}-r${Math.floor(at.getTime() / 60_000)}`.slice(0, maxNameLength);

/** Step Functions' log delivery API takes no resource ARN: a state machine's role needs these on `*`. */
export const logDeliveryActions = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

/** Starts an execution of a workflow; resolves false when one of that name already exists. */
export type StartPublish = (tenantId: string, version: number, name: string) => Promise<boolean>;

/** `StartExecution` with input `{ tenantId, version }`: the input of both the publish and the notify workflow. */
export function sfnStartPublish(options: { client: SFNClient; stateMachineArn: string }): StartPublish {
  return async (tenantId, version, name) => {
    try {
      await options.client.send(
        new StartExecutionCommand({
          stateMachineArn: options.stateMachineArn,
          name,
          input: JSON.stringify({ tenantId, version }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return false;
      throw error;
    }
  };
}

/**
 * The `PublishTrigger` on AWS: one execution per (tenant, content version).
 * @example createApp({ publishTrigger: sfnPublishTrigger({ client: sfnClient(env), stateMachineArn }) })
 */
export function sfnPublishTrigger(options: { client: SFNClient; stateMachineArn: string }): PublishTrigger {
  const start = sfnStartPublish(options);
  return {
    async requestPublish(tenantId, contentVersion) {
      await start(tenantId, contentVersion, executionName(tenantId, contentVersion));
    },
  };
}

/**
 * The `NotifyTrigger` on AWS (the publisher's commit): one notify execution per committed version.
 * @example createHandlers({ ..., notifyTrigger: sfnNotifyTrigger({ client: sfnClient(env), stateMachineArn }) })
 */
export function sfnNotifyTrigger(options: { client: SFNClient; stateMachineArn: string }): NotifyTrigger {
  const start = sfnStartPublish(options);
  return {
    async requestNotify(tenantId, version) {
      await start(tenantId, version, notifyExecutionName(tenantId, version));
    },
  };
}
