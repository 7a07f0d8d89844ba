import { z } from 'zod';

// The values CloudWatch Logs accepts for retention.
const retentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653];
const hostname = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** One stage's deploy configuration. Nothing account-specific is committed: it all comes from here. */
export const StageConfig = z.object({
  /** Prefix of every resource name, so stages share an account without colliding. */
  stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'lower-case letters, digits and dashes, 2-16 characters'),
  /** Region of the table, bucket, Lambdas and workflow. CloudFront is global. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
  /** Pages are served at `{slug}.{platformDomain}`; DNS for `*.{platformDomain}` points at the connection group. */
  platformDomain: z.string().toLowerCase().regex(hostname, 'a domain name such as status.example.com'),
  /** ACM certificate for `*.{platformDomain}`; CloudFront only accepts certificates from us-east-1. */
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, 'an ACM certificate ARN in us-east-1'),
  /** Receives the alarms (SNS email subscription; confirm the first message). */
  alarmEmail: z.email(),
  /** Where notification emails come from; an SES domain identity is created for it. */
  emailDomain: z.string().toLowerCase().regex(hostname).optional(),
  /** Remote state: an existing, versioned, encrypted S3 bucket. Unset means local state (development only). */
  stateBucket: z.string().min(3).optional(),
  /** Region of the state bucket, when it is not the stage's (one state bucket often serves every stage). */
  stateRegion: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  /** Requests per second the HTTP API accepts (steady rate; bursts up to twice that). */
  apiRateLimit: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Days CloudWatch keeps Lambda, workflow and access logs. */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((d) => retentionDays.includes(d), `one of ${retentionDays.join(', ')}`)
    .default(30),
});
export type StageConfig = z.infer<typeof StageConfig>;

/** Reads the stage config from `UPSTATE_*` variables; the one place infra reads process.env. */
export function readStageConfig(source: Record<string, string | undefined> = process.env): StageConfig {
  const parsed = StageConfig.safeParse({
    stage: source.UPSTATE_STAGE,
    region: source.UPSTATE_REGION,
    platformDomain: source.UPSTATE_PLATFORM_DOMAIN,
    certificateArn: source.UPSTATE_CERTIFICATE_ARN,
    alarmEmail: source.UPSTATE_ALARM_EMAIL,
    emailDomain: source.UPSTATE_EMAIL_DOMAIN || undefined,
    stateBucket: source.UPSTATE_STATE_BUCKET || undefined,
    stateRegion: source.UPSTATE_STATE_REGION || undefined,
    apiRateLimit: source.UPSTATE_API_RATE_LIMIT || undefined,
    logRetentionDays: source.UPSTATE_LOG_RETENTION_DAYS || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid stage configuration (UPSTATE_* variables):\n${lines.join('\n')}`);
  }
  return parsed.data;
}
