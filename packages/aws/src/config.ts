import { z } from 'zod';

/**
 * The AWS part of every app's environment: apps extend it in their `env.ts`
 * (`AwsEnv.extend({ ... })`) and build their clients from it (`dynamoDbClient(env)`, ...), nowhere else.
 * The endpoints point a client at a local stand-in (dynalite, s3rver); on AWS they are unset.
 */
// `localhost:8000` parses as a URL with scheme `localhost:`; an endpoint must say http or https.
const Endpoint = z.url({ protocol: /^https?$/ }).optional();

export const AwsEnv = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: Endpoint,
  S3_ENDPOINT: Endpoint,
  CLOUDFRONT_ENDPOINT: Endpoint,
  SFN_ENDPOINT: Endpoint,
  SECRETS_MANAGER_ENDPOINT: Endpoint,
  SES_ENDPOINT: Endpoint,
});
export type AwsEnv = z.infer<typeof AwsEnv>;

/**
 * The region and endpoint of one SDK client. Each service module builds its own client from it
 * (`dynamoDbClient(env)`, `sfnClient(env)`, ...), so a bundle holds only the clients its entry uses.
 */
export const clientConfig = (env: AwsEnv, endpoint: string | undefined) => ({
  region: env.AWS_REGION,
  ...(endpoint ? { endpoint } : {}),
});
