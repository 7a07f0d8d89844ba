import { z } from 'zod';

// The only place this app reads process.env.
const Env = z.object({
  TABLE_NAME: z.string().min(1),
  /** The site bucket: the notifier reads `sites/{tenantId}/api/v2/*.json`, what the page shows. */
  BUCKET: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Public base URL of the platform API: the links in every message point there. */
  API_BASE: z.url(),
  /**
   * The secret link tokens derive from, shared with the API. Deployed from a SecureString parameter,
   * never from the repository; rotating it invalidates every manage and unsubscribe link.
   */
  LINK_SECRET: z.string().min(32),
  /** The SES identity's domain: the sender is `notifications@{MAIL_DOMAIN}`. */
  MAIL_DOMAIN: z.string().min(1),
  /** Routes bounces and complaints to the event destination that suppresses the address. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
});
export type NotifierEnv = z.infer<typeof Env>;

export function readEnv(source: Record<string, string | undefined> = process.env): NotifierEnv {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
