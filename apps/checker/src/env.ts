import { AwsEnv } from '@upstate/aws';
import { parseEnv } from '@upstate/core';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

// The only place this app reads process.env.
const Env = AwsEnv.extend({
  TABLE_NAME: z.string().min(1),
  /** The publish workflow; every flip, maintenance change and day rollover starts an execution. */
  STATE_MACHINE_ARN: z.string().min(1),
  CHECKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** No check starts after this much of a run; with ≤ 30 s check timeouts a run ends inside the Lambda's 55 s. */
  CHECKER_RUN_BUDGET_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  /** Local mode only. Infra never sets it: on AWS, loopback/private/link-local targets are refused. */
  ALLOW_PRIVATE_TARGETS: flag,
});
export type CheckerEnv = z.infer<typeof Env>;

export const readEnv = (source: Record<string, string | undefined> = process.env): CheckerEnv => parseEnv(Env, source);
