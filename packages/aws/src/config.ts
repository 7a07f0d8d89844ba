import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { createS3Client } from './s3.ts';

/**
 * The AWS part of every app's environment: apps extend it in their `env.ts`
 * (`AwsEnv.extend({ ... })`) and build their clients from it with `awsClients`, nowhere else.
 * The endpoints point a client at a local stand-in (dynalite, s3rver); on AWS they are unset.
 */
export const AwsEnv = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  CLOUDFRONT_ENDPOINT: z.url().optional(),
  SFN_ENDPOINT: z.url().optional(),
  SECRETS_MANAGER_ENDPOINT: z.url().optional(),
});
export type AwsEnv = z.infer<typeof AwsEnv>;

export interface AwsClients {
  dynamoDb(): DynamoDBClient;
  s3(): S3Client;
  cloudFront(): CloudFrontClient;
  sfn(): SFNClient;
  secretsManager(): SecretsManagerClient;
}

/**
 * The SDK clients of one process, each built on first use and then reused (a warm Lambda keeps
 * its connections), so an entry that never publishes never pays for a Step Functions client.
 */
export function awsClients(env: AwsEnv): AwsClients {
  const endpoint = (url: string | undefined) => (url ? { endpoint: url } : {});
  const once = <T>(build: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      client ??= build();
      return client;
    };
  };
  return {
    dynamoDb: once(() => new DynamoDBClient({ region: env.AWS_REGION, ...endpoint(env.DYNAMODB_ENDPOINT) })),
    s3: once(() => createS3Client({ region: env.AWS_REGION, ...endpoint(env.S3_ENDPOINT) })),
    // CloudFront's control plane is global and signs in us-east-1, whatever the stage's region.
    cloudFront: once(() => new CloudFrontClient({ region: 'us-east-1', ...endpoint(env.CLOUDFRONT_ENDPOINT) })),
    sfn: once(() => new SFNClient({ region: env.AWS_REGION, ...endpoint(env.SFN_ENDPOINT) })),
    secretsManager: once(
      () => new SecretsManagerClient({ region: env.AWS_REGION, ...endpoint(env.SECRETS_MANAGER_ENDPOINT) }),
    ),
  };
}
