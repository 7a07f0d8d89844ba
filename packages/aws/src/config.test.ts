import { describe, expect, it } from 'vitest';
import { cloudFrontClient } from './cloudfront.ts';
import { AwsEnv } from './config.ts';
import { dynamoDbClient } from './dynamodb.ts';
import { sfnClient } from './sfn.ts';

describe('AWS configuration', () => {
  it('defaults the region and leaves endpoints unset on AWS', () => {
    expect(AwsEnv.parse({})).toEqual({ AWS_REGION: 'us-east-1' });
    expect(() => AwsEnv.parse({ DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow();
  });

  it('points each client at its own stand-in endpoint, and CloudFront at us-east-1 whatever the stage region', async () => {
    const env = AwsEnv.parse({
      AWS_REGION: 'eu-west-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      CLOUDFRONT_ENDPOINT: 'http://127.0.0.1:4568',
    });
    const dynamo = dynamoDbClient(env);
    expect(await dynamo.config.region()).toBe('eu-west-1');
    expect((await dynamo.config.endpoint?.())?.port).toBe(4567);
    const cloudFront = cloudFrontClient(env);
    expect(await cloudFront.config.region()).toBe('us-east-1');
    expect((await cloudFront.config.endpoint?.())?.port).toBe(4568);
    const sfn = sfnClient(env);
    expect(await sfn.config.region()).toBe('eu-west-1');
    expect(sfn.config.endpoint).toBeUndefined();
  });
});
