import { rmSync } from 'node:fs';
import { TenantSlug } from '@upstate/core';
import { corsHeaders } from '@upstate/edge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessLogVariables, apiCors } from './api.ts';
import { tableOperations } from './observability.ts';
import { findResource, type Json, resourcesOf, synthTestStage, testConfig } from './testing.ts';
import { platformHosts } from './upstate-stack.ts';

// Issue 18's production findings, each against the synthesised stage: one stage in eu-west-1 with a
// state bucket in another region, and one in us-east-1.

const bundles = inject('bundles');
let tf: Json;
let usEast1: Json;
const outdirs: string[] = [];

beforeAll(async () => {
  const main = await synthTestStage(bundles, { stateBucket: 'acme-terraform-state', stateRegion: 'us-east-2' });
  const virginia = await synthTestStage(bundles, { region: 'us-east-1', stateBucket: 'acme-terraform-state' });
  ({ tf } = main);
  usEast1 = virginia.tf;
  outdirs.push(main.outdir, virginia.outdir);
});
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const prefix = `upstate-${testConfig.stage}`;
const hosts = platformHosts(testConfig.platformDomain);

describe('the dashboard on AWS', () => {
  it('routes every path of the HTTP API, /dashboard included, to the function whose bundle mounts the dashboard', () => {
    const api = findResource(tf, 'aws_apigatewayv2_api');
    const routes = Object.values(resourcesOf(tf, 'aws_apigatewayv2_route'));
    // `$default` is the only route: `/dashboard/*` cannot match anything else.
    expect(routes.map((r: Json) => r.route_key)).toEqual(['$default']);
    const integrationId = /^integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}$/.exec(
      (routes[0] as Json).target,
    )?.[1];
    const integration = resourcesOf(tf, 'aws_apigatewayv2_integration')[integrationId ?? ''];
    expect(integration.api_id).toBe(api.ref('id'));
    const fnId = /^\$\{aws_lambda_function\.([^.]+)\.arn\}$/.exec(integration.integration_uri)?.[1];
    const fn = resourcesOf(tf, 'aws_lambda_function')[fnId ?? ''];
    expect(fn.function_name).toBe(`${prefix}-api`);
    expect(fn.handler).toBe(`${bundles.api.handlerPath}.handler`);
    // That function's archive is the API bundle, whose entry mounts the dashboard on the API app.
    const asset = /^assets\/([^/]+)\//.exec(fn.filename)?.[1];
    expect(asset).toMatch(/bundle-api/);
    expect(bundles.api.sources).toEqual(
      expect.arrayContaining(['apps/dashboard/src/lambda.ts', 'apps/dashboard/src/app.ts', 'apps/api/src/app.ts']),
    );
  });

  it('serves the API and the dashboard on api. and app. of the platform domain, with a regional certificate', () => {
    const domains = Object.values(resourcesOf(tf, 'aws_apigatewayv2_domain_name')) as Json[];
    expect(domains.map((d) => d.domain_name).sort()).toEqual([hosts.api, hosts.app]);
    const validation = findResource(tf, 'aws_acm_certificate_validation');
    const certificate = findResource(tf, 'aws_acm_certificate');
    expect(certificate.resource).toMatchObject({
      domain_name: `*.${testConfig.platformDomain}`,
      validation_method: 'DNS',
    });
    // The stage's default provider: HTTP API custom domains take a certificate of their own region.
    expect(certificate.resource.provider).toBeUndefined();
    expect(validation.resource.certificate_arn).toBe(certificate.ref('arn'));
    for (const domain of domains) {
      expect(domain.domain_name_configuration).toEqual({
        certificate_arn: validation.ref('certificate_arn'),
        endpoint_type: 'REGIONAL',
        security_policy: 'TLS_1_2',
      });
    }
    const mappings = Object.values(resourcesOf(tf, 'aws_apigatewayv2_api_mapping')) as Json[];
    expect(mappings).toHaveLength(2);
    for (const m of mappings) expect(m.api_id).toBe(findResource(tf, 'aws_apigatewayv2_api').ref('id'));
    expect(tf.output.dashboard_url.value).toBe(`https://${hosts.app}/dashboard`);
    expect(tf.output.api_url.value).toBe(`https://${hosts.api}`);
    expect(tf.output.app_cname_target.value).toMatch(/target_domain_name/);
    // Neither host can ever be a tenant's page.
    expect(TenantSlug.safeParse('api').success).toBe(false);
    expect(TenantSlug.safeParse('app').success).toBe(false);
  });

  it('in us-east-1, reuses the wildcard certificate CloudFront uses instead of requesting another', () => {
    expect(resourcesOf(usEast1, 'aws_acm_certificate')).toEqual({});
    for (const domain of Object.values(resourcesOf(usEast1, 'aws_apigatewayv2_domain_name')) as Json[]) {
      expect(domain.domain_name_configuration.certificate_arn).toBe(testConfig.certificateArn);
    }
  });

  it('answers cross-origin requests (the public subscribe form) without credentials', () => {
    const { resource: api } = findResource(tf, 'aws_apigatewayv2_api');
    expect(api.cors_configuration).toEqual({
      allow_origins: apiCors.allowOrigins,
      allow_methods: apiCors.allowMethods,
      allow_headers: apiCors.allowHeaders,
      expose_headers: apiCors.exposeHeaders,
      allow_credentials: false,
      max_age: apiCors.maxAge,
    });
  });
});

describe('paper findings', () => {
  it('4: a scheduled reconciler retries failed page-domain provisioning every five minutes', () => {
    const fn = findResource(tf, 'aws_lambda_function', (f) => f.function_name === `${prefix}-provision-reconciler`);
    expect(fn.resource.handler).toBe(`${bundles.api.handlerPath}.reconcileProvisioning`);
    const schedule = findResource(tf, 'aws_scheduler_schedule', (s) => s.name === `${prefix}-provision-reconciler`);
    expect(schedule.resource.schedule_expression).toBe('rate(5 minutes)');
    expect(schedule.resource.target.arn).toBe(fn.ref('arn'));
  });

  it('2: the state backend uses the state bucket’s region, the stage’s when none is given', () => {
    expect(tf.terraform.backend.s3).toMatchObject({
      bucket: 'acme-terraform-state',
      region: 'us-east-2',
      key: `upstate/${testConfig.stage}.tfstate`,
      encrypt: true,
      use_lockfile: true,
    });
    expect(tf.provider.aws[0].region).toBe(testConfig.region);
    expect(usEast1.terraform.backend.s3.region).toBe('us-east-1');
    // `use_lockfile` needs 1.10; a stage with remote state did not synthesise before this was declared.
    expect(tf.terraform.required_version).toBe('>= 1.10.0');
  });

  it('5: a CORS preflight of /api/v2/* reaches S3 with its headers, and S3 answers it', () => {
    const { resource: distribution } = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    const behaviour = distribution.cache_behavior.find((b: Json) => b.path_pattern === '/api/v2/*');
    expect(behaviour.allowed_methods[0].items).toContain('OPTIONS');
    const policy = findResource(
      tf,
      'aws_cloudfront_origin_request_policy',
      (p) => p.name === `${prefix}-statuspage-api-v2-cors`,
    );
    expect(behaviour.origin_request_policy_id).toBe(policy.ref('id'));
    expect(policy.resource.headers_config).toEqual({
      header_behavior: 'whitelist',
      headers: { items: ['origin', 'access-control-request-method', 'access-control-request-headers'] },
    });
    // Nothing else of the request reaches the origin: pages still vary on nothing.
    expect(policy.resource.cookies_config).toEqual({ cookie_behavior: 'none' });
    expect(policy.resource.query_strings_config).toEqual({ query_string_behavior: 'none' });
    const cors = findResource(tf, 'aws_s3_bucket_cors_configuration');
    expect(cors.resource.bucket).toBe(findResource(tf, 'aws_s3_bucket').ref('id'));
    expect(cors.resource.cors_rule).toEqual([
      {
        allowed_methods: ['GET', 'HEAD'],
        allowed_origins: [corsHeaders('/api/v2/summary.json')['access-control-allow-origin']],
        allowed_headers: ['*'],
        max_age_seconds: Number(corsHeaders('/api/v2/summary.json')['access-control-max-age']),
      },
    ]);
  });

  it('6: the access log holds no path, query string or header, so a heartbeat token cannot reach it', () => {
    const { resource: stage } = findResource(tf, 'aws_apigatewayv2_stage');
    const format = JSON.parse(stage.access_log_settings.format) as Record<string, string>;
    expect(format).toEqual(accessLogVariables);
    // What API Gateway would substitute for a heartbeat ping carrying its token in the path, the
    // query string and a header. A variable not known here fails the test until it is reviewed.
    const token = 'hb_SECRETTOKEN0123456789';
    const context: Record<string, string> = {
      '$context.requestId': 'Jx1Zj=',
      '$context.requestTime': '01/Dec/2026:21:00:00 +0000',
      '$context.httpMethod': 'POST',
      '$context.routeKey': '$default',
      '$context.status': '200',
      '$context.responseLatency': '12',
      '$context.integrationErrorMessage': '-',
      '$context.identity.sourceIp': '203.0.113.9',
      '$context.domainName': hosts.api,
      // Never in the format: each carries the token.
      '$context.path': `/v1/heartbeats/${token}`,
      '$request.querystring.token': token,
      '$request.header.authorization': `Bearer ${token}`,
    };
    const line = stage.access_log_settings.format.replace(/\$(context|request)\.[A-Za-z.]+/g, (v: string) => {
      const value = context[v];
      if (value === undefined) throw new Error(`${v} is not reviewed: can it hold a path, query or header?`);
      return value;
    });
    expect(line).not.toContain(token);
    expect(Object.values(format).every((v) => v.startsWith('$context.'))).toBe(true);
  });

  it('11: page domains answer over IPv6', () => {
    expect(findResource(tf, 'aws_cloudfront_connection_group').resource.ipv6_enabled).toBe(true);
  });

  it('13: alarms on Lambda throttles, DynamoDB errors, Step Functions throttling and CloudFront 5xx', () => {
    const alarms = Object.fromEntries(
      (Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')) as Json[]).map((a) => [
        a.alarm_name.slice(prefix.length + 1),
        a,
      ]),
    );
    const functions = (Object.values(resourcesOf(tf, 'aws_lambda_function')) as Json[]).map((f) => f.function_name);
    for (const name of functions) {
      const alarm = alarms[`throttled-${name.slice(prefix.length + 1)}`];
      expect(alarm, name).toMatchObject({
        namespace: 'AWS/Lambda',
        metric_name: 'Throttles',
        dimensions: { FunctionName: name },
      });
    }
    const table = findResource(tf, 'aws_dynamodb_table').ref('name');
    const systemErrors = alarms['table-system-errors'].metric_query as Json[];
    expect(systemErrors.filter((q) => q.metric).map((q) => q.metric.dimensions)).toEqual(
      tableOperations.map((Operation) => ({ TableName: table, Operation })),
    );
    expect(systemErrors.find((q) => q.return_data).expression).toBe(tableOperations.map((_, i) => `m${i}`).join(' + '));
    expect(alarms['table-write-throttled']).toMatchObject({
      metric_name: 'WriteThrottleEvents',
      dimensions: { TableName: table },
    });
    expect(alarms['table-read-throttled']).toMatchObject({
      metric_name: 'ReadThrottleEvents',
      dimensions: { TableName: table },
    });
    const machine = findResource(tf, 'aws_sfn_state_machine', (m) => m.name === `${prefix}-publish`).ref('arn');
    expect(alarms['publish-throttled']).toMatchObject({
      metric_name: 'ExecutionThrottled',
      dimensions: { StateMachineArn: machine },
    });
    expect(alarms['transitions-throttled']).toMatchObject({ namespace: 'AWS/States', metric_name: 'ThrottledEvents' });
    // CloudFront publishes its metrics in us-east-1 only: the alarm and its topic live there.
    const cdn = alarms['cdn-5xx'];
    expect(cdn).toMatchObject({
      provider: 'aws.us-east-1',
      namespace: 'AWS/CloudFront',
      metric_name: '5xxErrorRate',
      dimensions: {
        DistributionId: findResource(tf, 'aws_cloudfront_multitenant_distribution').ref('id'),
        Region: 'Global',
      },
    });
    const globalTopic = findResource(tf, 'aws_sns_topic', (t) => t.provider === 'aws.us-east-1');
    expect(cdn.alarm_actions).toEqual([globalTopic.ref('arn')]);
    expect(tf.provider.aws.find((p: Json) => p.alias === 'us-east-1')?.region).toBe('us-east-1');
    // In us-east-1 one provider and one topic serve every alarm.
    expect(Object.values(resourcesOf(usEast1, 'aws_sns_topic'))).toHaveLength(1);
  });

  it('13: every alarm topic is encrypted with a key CloudWatch may use (the AWS-managed SNS key would drop alarms)', () => {
    const keys = resourcesOf(tf, 'aws_kms_key');
    const topics = Object.values(resourcesOf(tf, 'aws_sns_topic')) as Json[];
    expect(topics).toHaveLength(2);
    for (const topic of topics) {
      const keyId = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(topic.kms_master_key_id)?.[1];
      const key = keys[keyId ?? ''];
      expect(key.provider).toBe(topic.provider);
      expect(key.enable_key_rotation).toBe(true);
      const policy = JSON.parse(key.policy);
      expect(policy.Statement).toContainEqual(
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
      );
    }
  });
});
