import { cloudFrontFunctionSource } from '@upstate/edge';
import { tableDefinition, ttlAttribute } from '@upstate/store';
import { Testing } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { DataStack } from './data.ts';
import { EdgeStack, terraformLiteral } from './edge.ts';

// The same constructs through cdktn's Testing helpers, without bundling or a whole stage.
const synthesised = Testing.synthScope((scope) => {
  const data = new DataStack(scope, 'data', { prefix: 'upstate-unit' });
  new EdgeStack(scope, 'edge', {
    prefix: 'upstate-unit',
    bucket: data.bucket,
    certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
  });
});

describe('data and edge constructs (Testing.synthScope)', () => {
  it('declare the table from tableDefinition() with its protections', () => {
    const def = tableDefinition('upstate-unit-data');
    expect(
      Testing.toHaveResourceWithProperties(synthesised, 'aws_dynamodb_table', {
        name: def.TableName,
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: 'pk',
        range_key: 'sk',
        ttl: { attribute_name: ttlAttribute, enabled: true },
        point_in_time_recovery: { enabled: true },
        deletion_protection_enabled: true,
      }),
    ).toBe(true);
  });

  it('block every kind of public access to the site bucket', () => {
    expect(
      Testing.toHaveResourceWithProperties(synthesised, 'aws_s3_bucket_public_access_block', {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(synthesised, 'aws_s3_bucket_public_access_block', {
        block_public_policy: false,
      }),
    ).toBe(false);
  });

  it('declare the multi-tenant distribution, its connection group and the edge function', () => {
    expect(Testing.toHaveResource(synthesised, 'aws_cloudfront_multitenant_distribution')).toBe(true);
    expect(Testing.toHaveResource(synthesised, 'aws_cloudfront_connection_group')).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(synthesised, 'aws_cloudfront_function', {
        runtime: 'cloudfront-js-2.0',
        code: terraformLiteral(cloudFrontFunctionSource),
      }),
    ).toBe(true);
  });
});
