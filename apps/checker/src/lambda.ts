import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, sfnClient, sfnPublishTrigger } from '@upstate/aws';
import type { PublishTrigger } from '@upstate/core';
import { createStore } from '@upstate/store';
import { createChecker, type RunSummary } from './checker.ts';
import { type CheckerEnv, readEnv } from './env.ts';

export interface ScheduledRun extends RunSummary {
  rolledOver: number;
}

/** Builds the scheduled entry from a parsed environment; `overrides` are for tests. */
export function createHandler(
  env: CheckerEnv,
  overrides: { client?: DynamoDBClient; publishTrigger?: PublishTrigger; now?: () => Date } = {},
): () => Promise<ScheduledRun> {
  const client = overrides.client ?? dynamoDbClient(env);
  const log = (message: string, detail: Record<string, unknown> = {}) =>
    console.error(JSON.stringify({ level: 'error', message, ...detail }));
  const checker = createChecker({
    store: createStore({ client, tableName: env.TABLE_NAME }),
    publishTrigger:
      overrides.publishTrigger ?? sfnPublishTrigger({ client: sfnClient(env), stateMachineArn: env.STATE_MACHINE_ARN }),
    allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS,
    concurrency: env.CHECKER_CONCURRENCY,
    runBudgetMs: env.CHECKER_RUN_BUDGET_MS,
    log,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  return async () => {
    const failures: unknown[] = [];
    // The rollover runs even when the monitor run failed: one must not starve the other.
    const summary = await checker.runDue().catch((error: unknown) => {
      failures.push(error);
      return { checked: 0, flips: 0, published: 0, maintenanceTransitions: 0 };
    });
    const rolledOver = await checker.rollover().catch((error: unknown) => {
      failures.push(error);
      return 0;
    });
    const result = { ...summary, rolledOver };
    console.log(JSON.stringify({ level: 'info', message: 'checker run', ...result }));
    if (failures.length) {
      log('checker run failed', { errors: failures.map(String) });
      throw new AggregateError(failures, 'checker run failed');
    }
    return result;
  };
}

let scheduled: (() => Promise<ScheduledRun>) | undefined;

/** EventBridge schedule (every minute) entry: one monitor run, then the daily rollover. */
export const handler = async (): Promise<ScheduledRun> => {
  // Built on first use so importing this module has no side effects (tests, bundling).
  scheduled ??= createHandler(readEnv());
  return scheduled();
};
