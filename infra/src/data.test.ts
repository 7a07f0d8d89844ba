import { cloudFrontFunctionSource } from '@upstate/edge';
import { tableDefinition, ttlAttribute } from '@upstate/store';
import { Testing } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { DataStack } from './data.ts';
import {
  cachingDisabledPolicyId,
  EdgeStack,
  siteHostFunctionSource,
  siteHostHeader,
  subscribePath,
  terraformLiteral,
} from './edge.ts';
import { type Json, resourcesOf } from './testing.ts';

// The same constructs through cdktn's Testing helpers, without bundling or a whole stage.
const synthesised = Testing.synthScope((scope) => {
  const data = new DataStack(scope, 'data', { prefix: 'upstate-unit' });
  new EdgeStack(scope, 'edge', {
    prefix: 'upstate-unit',
    bucket: data.bucket,
    certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
    apiHost: 'api.upstate.page',
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

describe('the Statuspage subscribe call on every page domain', () => {
  const tf: Json = JSON.parse(synthesised);
  const distribution = Object.values(resourcesOf(tf, 'aws_cloudfront_multitenant_distribution'))[0] as Json;
  const behaviours = distribution.cache_behavior as Json[];
  const subscribe = behaviours.find((b) => b.path_pattern === subscribePath);
  const functionRef = (id: string) => {
    const [name] = Object.entries(resourcesOf(tf, 'aws_cloudfront_function')).find(([, f]) => f.name === id) ?? [];
    return `\${aws_cloudfront_function.${name}.arn}`;
  };

  it('goes to the API over HTTPS, POST and preflight allowed, never cached, matched before /api/v2/*', () => {
    expect(subscribe).toBeDefined();
    expect(behaviours.indexOf(subscribe)).toBeLessThan(behaviours.findIndex((b) => b.path_pattern === '/api/v2/*'));
    const origin = (distribution.origin as Json[]).find((o) => o.id === subscribe.target_origin_id);
    expect(origin.domain_name).toBe('api.upstate.page');
    expect(origin.origin_path ?? '').toBe('');
    expect(origin.custom_origin_config[0]).toMatchObject({ origin_protocol_policy: 'https-only' });
    expect(subscribe.viewer_protocol_policy).toBe('https-only');
    expect(subscribe.allowed_methods[0].items).toEqual(expect.arrayContaining(['POST', 'OPTIONS']));
    expect(subscribe.cache_policy_id).toBe(cachingDisabledPolicyId);
  });

  it('forwards the page domain as x-upstate-site-host, the body’s type and the preflight, never Host or cookies', () => {
    const policies = Object.entries(resourcesOf(tf, 'aws_cloudfront_origin_request_policy'));
    const [id, policy] = policies.find(([name]) => subscribe.origin_request_policy_id.includes(`.${name}.`)) ?? [];
    expect(id).toBeDefined();
    const headers = policy.headers_config.headers.items as string[];
    expect(headers).toEqual(expect.arrayContaining([siteHostHeader, 'content-type', 'origin']));
    expect(headers.map((h) => h.toLowerCase())).not.toContain('host');
    expect(policy.cookies_config.cookie_behavior).toBe('none');
    expect(subscribe.function_association).toEqual([
      { event_type: 'viewer-request', function_arn: functionRef('upstate-unit-site-host') },
    ]);
    const fn = Object.values(resourcesOf(tf, 'aws_cloudfront_function')).find(
      (f: Json) => f.name === 'upstate-unit-site-host',
    );
    expect(fn.code).toBe(terraformLiteral(siteHostFunctionSource));
  });

  it('the viewer-request function sets the header from Host, replacing any value the viewer sent', () => {
    const handler = new Function(`${siteHostFunctionSource}; return handler;`)() as (event: Json) => Json;
    const request = handler({
      request: {
        method: 'POST',
        uri: subscribePath,
        headers: { host: { value: 'status.acme.example' }, [siteHostHeader]: { value: 'status.victim.example' } },
      },
    });
    expect(request.headers[siteHostHeader]).toEqual({ value: 'status.acme.example' });
    expect(request.uri).toBe(subscribePath);
  });
});
