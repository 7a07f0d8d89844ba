import { z } from 'zod';

// The only place this app reads process.env.
const Env = z.object({
  TABLE_NAME: z.string().min(1),
  /** The site bucket: `sites/{tenantId}/`, `assets/{theme}/`, `manifests/`, `builds/` (not served). */
  BUCKET: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The multi-tenant CloudFront distribution; a tenant's distribution tenants are found by its domains. */
  DISTRIBUTION_ID: z.string().min(1).optional(),
  /** The publish state machine; the reconciler starts executions of it. */
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  PLATFORM_DOMAIN: z.string().min(1).default('localhost:8080'),
  PAGE_SCHEME: z.enum(['http', 'https']).default('https'),
  LEASE_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  CLOUDFRONT_ENDPOINT: z.url().optional(),
  SFN_ENDPOINT: z.url().optional(),
});
export type PublisherEnv = z.infer<typeof Env>;

export function readEnv(source: Record<string, string | undefined> = process.env): PublisherEnv {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
