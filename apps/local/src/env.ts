import { parseEnv } from '@upstate/core';
import { z } from 'zod';

const portError = { error: 'must be a port number from 1 to 65535' };
const Port = z.coerce.number(portError).int(portError).min(1, portError).max(65_535, portError);

// The only place this app reads process.env.
const Env = z.object({
  UPSTATE_API_PORT: Port.default(3000),
  UPSTATE_EDGE_PORT: Port.default(8080),
  /** aws-ses-v2-local: the SES v2 API and its web mailbox. */
  UPSTATE_MAIL_PORT: Port.default(8005),
  /** Where dynalite, s3rver and the demo credentials live; `.upstate/` at the repo root by default. */
  UPSTATE_DATA_DIR: z.string().min(1).optional(),
  /** How often the checker looks for due monitors, and the reconciler for unpublished tenants. */
  UPSTATE_CHECK_EVERY_MS: z.coerce.number().int().min(1000).default(10_000),
  UPSTATE_RECONCILE_EVERY_MS: z.coerce.number().int().min(1000).default(30_000),
  NO_COLOR: z.string().optional(),
  /** Where `npm start` was typed (pnpm runs scripts in the package folder); paths are shown relative to it. */
  INIT_CWD: z.string().optional(),
});
export type LocalEnv = z.infer<typeof Env>;

export const readEnv = (source: Record<string, string | undefined> = process.env): LocalEnv => parseEnv(Env, source);
