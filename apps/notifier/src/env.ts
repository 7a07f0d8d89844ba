import { AwsEnv } from '@upstate/aws';
import { parseEnv } from '@upstate/core';
import { z } from 'zod';

// The only place this app reads process.env.
const Env = AwsEnv.extend({
  TABLE_NAME: z.string().min(1),
  /** The site bucket: the notifier reads `sites/{tenantId}/api/v2/*.json`, what the page shows. */
  BUCKET: z.string().min(1),
  /** Public base URL of the platform API: the links in every message point there. */
  API_BASE: z.url(),
  /**
   * The Secrets Manager secret link tokens derive from, shared with the API; read at cold start, never
   * a plain variable. Rotating it invalidates every manage and unsubscribe link.
   */
  LINK_SECRET_ARN: z.string().min(1),
  /** The SES identity's domain: the sender is `notifications@{MAIL_DOMAIN}`. */
  MAIL_DOMAIN: z.string().min(1),
  /** The notify workflow itself: the reminder schedule (`remind`) starts runs of it. */
  NOTIFY_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** Routes bounces and complaints to the event destination that suppresses the address. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
});
export type NotifierEnv = z.infer<typeof Env>;

export const readEnv = (source: Record<string, string | undefined> = process.env): NotifierEnv => parseEnv(Env, source);
