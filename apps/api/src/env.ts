import { AwsEnv } from '@upstate/aws';
import { parseEnv } from '@upstate/core';
import { z } from 'zod';

// The only place this app reads process.env.
const Env = AwsEnv.extend({
  TABLE_NAME: z.string().min(1),
  // The site bucket: a deleted tenant's page comes off it (the API never writes there).
  SITE_BUCKET: z.string().min(1).optional(),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  // Custom domains become CloudFront distribution tenants when both are set (AWS only).
  CLOUDFRONT_DISTRIBUTION_ID: z.string().min(1).optional(),
  CLOUDFRONT_CONNECTION_GROUP_ID: z.string().min(1).optional(),
  // Tagged on every distribution tenant created; the role may only touch tenants with its stage's tag.
  STAGE: z.string().min(1).optional(),
  PLATFORM_DOMAIN: z.string().min(1).default('localhost:8080'),
  PAGE_SCHEME: z.enum(['http', 'https']).default('https'),
  /** On AWS: the Secrets Manager secret holding the cursor key, read at cold start (never a plain variable). */
  CURSOR_SECRET_ARN: z.string().min(1).optional(),
  /**
   * On AWS: the Secrets Manager secret subscriber link tokens derive from, the very one the notifier reads
   * (read at cold start). Without it, and outside local mode, the subscriber routes are not served.
   */
  LINK_SECRET_ARN: z.string().min(1).optional(),
  /** Public base URL of this API (`https://api.{platform}`): the confirm, manage and unsubscribe links. */
  API_BASE: z.url().optional(),
  /** The SES identity's domain: subscription email comes from `notifications@{MAIL_DOMAIN}`. */
  MAIL_DOMAIN: z.string().min(1).optional(),
  /** Locally, and only when CURSOR_SECRET_ARN is unset: the cursor key itself. */
  CURSOR_SECRET: z.string().min(16).default('upstate-local-cursor-secret'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // Where `pnpm --filter @upstate/api build:docs` wrote the /docs renderer (the Lambda archive has no node_modules).
  DOCS_ASSETS_DIR: z.string().min(1).optional(),
  /** Set by the Lambda runtime: imports are handed to an asynchronous invocation of this function. */
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
  // Account email (verification, reset, invites) goes through SES v2 when MAIL_FROM is set.
  MAIL_FROM: z.string().min(3).optional(),
  SES_ENDPOINT: z.url().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  DASHBOARD_URL: z.url().default('http://localhost:8080/dashboard'),
  MONITORS_PER_TENANT: z.coerce.number().int().min(1).max(10_000).default(200),
  LOCAL_MODE: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});
export type ApiEnv = z.infer<typeof Env>;

export const readEnv = (source: Record<string, string | undefined> = process.env): ApiEnv => parseEnv(Env, source);
