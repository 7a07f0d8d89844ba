import { AwsEnv } from '@upstate/aws';
import { parseEnv } from '@upstate/core';
import { z } from 'zod';

// The only place this app reads process.env.
const Env = AwsEnv.extend({
  TABLE_NAME: z.string().min(1),
  /** The site bucket: `sites/{tenantId}/`, `assets/{theme}/`, `manifests/`, `builds/` (not served). */
  BUCKET: z.string().min(1),
  /** The multi-tenant CloudFront distribution; a tenant's distribution tenants are found by its domains. */
  DISTRIBUTION_ID: z.string().min(1).optional(),
  /** The publish state machine; the reconciler starts executions of it. */
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The notify workflow: the commit step starts a run for each committed version (unset: nobody is notified). */
  NOTIFY_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** No default: a missing domain would publish every page, feed and v2 JSON with wrong URLs. */
  PLATFORM_DOMAIN: z.string().min(1),
  PAGE_SCHEME: z.enum(['http', 'https']).default('https'),
  LEASE_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
});
export type PublisherEnv = z.infer<typeof Env>;

export const readEnv = (source: Record<string, string | undefined> = process.env): PublisherEnv =>
  parseEnv(Env, source);
