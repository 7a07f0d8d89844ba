import { rmSync } from 'node:fs';
import { cloudFrontFunctionSource, contentSecurityPolicy, corsHeaders, securityHeaders } from '@upstate/edge';
import { notifyDefinition, notifyTaskNames } from '@upstate/notifier/definition';
import { publishDefinition, taskNames } from '@upstate/publisher/definition';
import { tableDefinition, ttlAttribute } from '@upstate/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { domainTenantActions } from './api.ts';
import { assetTtlSeconds, pageTtl, subscribePath, terraformLiteral } from './edge.ts';
import { findResource, type Json, resourcesOf, synthTestStage, testConfig } from './testing.ts';

// One synthesis of the whole stage (with the real Lambda bundles) is shared by every assertion.
let tf: Json;
let outdir: string;
let synthMs: number;

beforeAll(async () => {
  const synth = await synthTestStage(inject('bundles'));
  ({ tf, outdir } = synth);
  synthMs = synth.ms;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const prefix = `upstate-${testConfig.stage}`;
const lambda = (name: string) =>
  findResource(tf, 'aws_lambda_function', (r) => r.function_name === `${prefix}-${name}`);
const policies = () =>
  Object.values(resourcesOf(tf, 'aws_iam_role_policy')).map((p: Json) => ({
    role: p.role as string,
    doc: JSON.parse(p.policy),
  }));
const roleRef = (fnName: string) => lambda(fnName).resource.role.replace(/\.arn\}$/, '.id}');
const policyOf = (fnName: string) => {
  const found = policies().find((p) => p.role === roleRef(fnName));
  if (!found) throw new Error(`no policy for ${fnName}`);
  return found.doc.Statement as { Effect: string; Action: string[]; Resource: string[] }[];
};
const actionsOf = (fnName: string) => policyOf(fnName).flatMap((s) => s.Action);
const machineNamed = (name: string) => findResource(tf, 'aws_sfn_state_machine', (m) => m.name === `${prefix}-${name}`);

describe('synthesis', () => {
  it('produces Terraform JSON for the AWS provider without a Terraform binary', () => {
    expect(tf.terraform.required_providers.aws.source).toBe('hashicorp/aws');
    expect(tf.provider.aws[0].region).toBe(testConfig.region);
    // Recorded for the README: synthesis alone, in-process (the bundles come from the global setup).
    console.info(`synth (bundles prebuilt) took ${Math.round(synthMs)} ms`);
  });
});

describe('data', () => {
  it('mirrors tableDefinition(): keys, attributes, GSIs; on-demand, PITR, TTL, deletion protection', () => {
    const { resource: table } = findResource(tf, 'aws_dynamodb_table');
    const def = tableDefinition(table.name);
    expect(table.name).toBe(`${prefix}-data`);
    expect(table.billing_mode).toBe(def.BillingMode);
    expect([table.hash_key, table.range_key]).toEqual(def.KeySchema?.map((k) => k.AttributeName));
    expect(table.attribute).toEqual(
      def.AttributeDefinitions?.map((a) => ({ name: a.AttributeName, type: a.AttributeType })),
    );
    expect(table.global_secondary_index).toEqual(
      def.GlobalSecondaryIndexes?.map((g) => ({
        name: g.IndexName,
        hash_key: g.KeySchema?.[0]?.AttributeName,
        range_key: g.KeySchema?.[1]?.AttributeName,
        projection_type: g.Projection?.ProjectionType,
      })),
    );
    expect(table.ttl).toEqual({ attribute_name: ttlAttribute, enabled: true });
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
    expect(table.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('keeps the site bucket private, encrypted, and readable only by this distribution', () => {
    const bucket = findResource(tf, 'aws_s3_bucket');
    const bucketId = bucket.ref('id');
    expect(findResource(tf, 'aws_s3_bucket_public_access_block').resource).toMatchObject({
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(findResource(tf, 'aws_s3_bucket_server_side_encryption_configuration').resource).toMatchObject({
      bucket: bucketId,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(findResource(tf, 'aws_s3_bucket_ownership_controls').resource.rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });

    const distribution = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    const policy = JSON.parse(findResource(tf, 'aws_s3_bucket_policy').resource.policy);
    const allows = policy.Statement.filter((s: Json) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudFrontReadsPages',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: ['s3:GetObject'],
        Resource: [`${bucket.ref('arn')}/sites/*`, `${bucket.ref('arn')}/assets/*`],
        Condition: { StringEquals: { 'AWS:SourceArn': distribution.ref('arn') } },
      },
    ]);
    // Both bucket origins sign with the Origin Access Control (the third is the API, for the subscribe call).
    const oac = findResource(tf, 'aws_cloudfront_origin_access_control');
    expect(oac.resource).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always' });
    const origins = distribution.resource.origin as Json[];
    expect(origins.filter((o) => o.custom_origin_config).map((o) => o.domain_name)).toEqual([
      `api.${testConfig.platformDomain}`,
    ]);
    for (const origin of origins.filter((o) => !o.custom_origin_config)) {
      expect(origin.origin_access_control_id).toBe(oac.ref('id'));
      expect(origin.domain_name).toBe(bucket.ref('bucket_regional_domain_name'));
    }
  });
});

describe('edge', () => {
  it('deploys exactly the CloudFront Function source the local edge runs, on every behaviour but the subscribe call', () => {
    const fn = findResource(tf, 'aws_cloudfront_function', (f) => f.name === `${prefix}-viewer-request`);
    // Terraform reads `$${` and `%%{` as literal `${` and `%{`: what it deploys is the source, byte for byte.
    expect(fn.resource.code.replaceAll('$${', () => '${').replaceAll('%%{', () => '%{')).toBe(cloudFrontFunctionSource);
    const dollar = '$';
    expect(terraformLiteral(`${dollar}{a} %{b}`)).toBe(`${dollar}${dollar}{a} %%{b}`);
    expect(fn.resource.runtime).toBe('cloudfront-js-2.0');
    expect(fn.resource.publish).toBe(true);
    const { resource: d } = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    // The subscribe call goes to the API (data.test.ts): its own function passes the page domain on.
    for (const behaviour of [...d.default_cache_behavior, ...d.cache_behavior].filter(
      (b) => b.path_pattern !== subscribePath,
    )) {
      expect(behaviour.function_association).toEqual([{ event_type: 'viewer-request', function_arn: fn.ref('arn') }]);
      expect(behaviour.viewer_protocol_policy).toBe('redirect-to-https');
    }
  });

  it('routes each distribution tenant to its own S3 prefix, shared hashed assets to the bucket root', () => {
    const { resource: d } = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    expect(d.tenant_config).toEqual([
      {
        parameter_definition: [
          {
            name: 'tenantId',
            definition: [{ string_schema: [{ required: true, comment: expect.any(String) }] }],
          },
        ],
      },
    ]);
    const origins = Object.fromEntries(d.origin.map((o: Json) => [o.id, o.origin_path]));
    expect(origins).toEqual({ 'tenant-site': '/sites/{{tenantId}}', 'shared-assets': undefined });
    expect(d.default_cache_behavior[0].target_origin_id).toBe('tenant-site');
    const byPath = Object.fromEntries(d.cache_behavior.map((b: Json) => [b.path_pattern, b]));
    expect(byPath['/assets/*'].target_origin_id).toBe('shared-assets');
    expect(byPath['/api/v2/*'].target_origin_id).toBe('tenant-site');
    expect(d.viewer_certificate).toEqual([
      {
        acm_certificate_arn: testConfig.certificateArn,
        ssl_support_method: 'sni-only',
        minimum_protocol_version: 'TLSv1.2_2021',
      },
    ]);
    expect(d.custom_error_response.map((r: Json) => [r.error_code, r.response_code, r.response_page_path])).toEqual([
      [403, '404', '/404.html'],
      [404, '404', '/404.html'],
    ]);
    expect(findResource(tf, 'aws_cloudfront_connection_group').resource).toMatchObject({ enabled: true });
  });

  it('caches hashed assets for a year and pages briefly, with nothing from the request in the key', () => {
    const { resource: d } = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    const policy = (id: string) => {
      const address = /^\$\{aws_cloudfront_cache_policy\.([^.]+)\.id\}$/.exec(id)?.[1] ?? '';
      return resourcesOf(tf, 'aws_cloudfront_cache_policy')[address];
    };
    const byPath = Object.fromEntries(d.cache_behavior.map((b: Json) => [b.path_pattern, b]));
    const assets = policy(byPath['/assets/*'].cache_policy_id);
    expect([assets.min_ttl, assets.default_ttl, assets.max_ttl]).toEqual([
      assetTtlSeconds,
      assetTtlSeconds,
      assetTtlSeconds,
    ]);
    expect(assetTtlSeconds).toBe(365 * 24 * 3600);
    for (const pages of [
      policy(d.default_cache_behavior[0].cache_policy_id),
      policy(byPath['/api/v2/*'].cache_policy_id),
    ]) {
      expect([pages.min_ttl, pages.default_ttl, pages.max_ttl]).toEqual([pageTtl.min, pageTtl.default, pageTtl.max]);
    }
    for (const p of Object.values(resourcesOf(tf, 'aws_cloudfront_cache_policy'))) {
      expect(p.parameters_in_cache_key_and_forwarded_to_origin).toMatchObject({
        enable_accept_encoding_brotli: true,
        enable_accept_encoding_gzip: true,
        cookies_config: { cookie_behavior: 'none' },
        headers_config: { header_behavior: 'none' },
        query_strings_config: { query_string_behavior: 'none' },
      });
    }
  });

  it('sends the local edge’s security headers everywhere, and CORS only on /api/v2/*', () => {
    const { resource: d } = findResource(tf, 'aws_cloudfront_multitenant_distribution');
    const headersPolicy = (id: string) =>
      resourcesOf(tf, 'aws_cloudfront_response_headers_policy')[
        /^\$\{aws_cloudfront_response_headers_policy\.([^.]+)\.id\}$/.exec(id)?.[1] ?? ''
      ];
    const byPath = Object.fromEntries(d.cache_behavior.map((b: Json) => [b.path_pattern, b]));
    const pages = headersPolicy(d.default_cache_behavior[0].response_headers_policy_id);
    const api = headersPolicy(byPath['/api/v2/*'].response_headers_policy_id);
    expect(headersPolicy(byPath['/assets/*'].response_headers_policy_id)).toBe(pages);
    const expected = securityHeaders({ https: true });
    for (const policy of [pages, api]) {
      const s = policy.security_headers_config;
      expect(s.content_security_policy.content_security_policy).toBe(contentSecurityPolicy);
      expect(s.frame_options.frame_option).toBe(expected['x-frame-options']);
      expect(s.referrer_policy.referrer_policy).toBe(expected['referrer-policy']);
      expect(`max-age=${s.strict_transport_security.access_control_max_age_sec}`).toBe(
        expected['strict-transport-security'],
      );
      expect(s.strict_transport_security.include_subdomains).toBe(false);
      expect(s.content_type_options).toEqual({ override: true });
      expect(policy.custom_headers_config.items).toEqual([
        { header: 'permissions-policy', value: expected['permissions-policy'], override: true },
      ]);
    }
    expect(pages.cors_config).toBeUndefined();
    // The embed's iframe page alone may be framed, as at the local edge.
    const frame = headersPolicy(byPath['/embed/frame/*'].response_headers_policy_id).security_headers_config;
    expect(frame.frame_options).toBeUndefined();
    expect(frame.content_security_policy.content_security_policy).toBe(
      securityHeaders({ https: true, uri: '/embed/frame/' })['content-security-policy'],
    );
    expect(frame.content_security_policy.content_security_policy).toContain('frame-ancestors *');
    const cors = corsHeaders('/api/v2/summary.json');
    expect(api.cors_config).toMatchObject({
      access_control_allow_credentials: false,
      access_control_allow_origins: { items: [cors['access-control-allow-origin']] },
      access_control_allow_methods: { items: cors['access-control-allow-methods']?.split(', ') },
      access_control_max_age_sec: Number(cors['access-control-max-age']),
    });
  });
});

describe('workflow', () => {
  it('deploys the very definition the local runner executes, with the task Lambdas’ ARNs', () => {
    const { resource: machine } = machineNamed('publish');
    const resources = Object.fromEntries(taskNames.map((t) => [t, lambda(`publish-${t}`).ref('arn')]));
    expect(machine.definition).toBe(
      JSON.stringify(publishDefinition(resources as Record<(typeof taskNames)[number], string>)),
    );
    expect(JSON.parse(machine.definition).QueryLanguage).toBe('JSONPath');
    expect(machine.type).toBe('STANDARD');
    // Its role may invoke exactly those Lambdas.
    const role = machine.role_arn.replace(/\.arn\}$/, '.id}');
    const invoke = policies()
      .find((p) => p.role === role)
      ?.doc.Statement.find((s: Json) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke.Resource).toEqual(Object.values(resources));
  });

  it('runs the checker every minute and the reconciler every five, through a role that can invoke only them', () => {
    const schedules = Object.values(resourcesOf(tf, 'aws_scheduler_schedule'));
    const byName = Object.fromEntries(schedules.map((s: Json) => [s.name, s]));
    expect(byName[`${prefix}-checker`]).toMatchObject({
      schedule_expression: 'rate(1 minute)',
      flexible_time_window: { mode: 'OFF' },
      target: { arn: lambda('checker').ref('arn') },
    });
    expect(byName[`${prefix}-reconciler`]).toMatchObject({
      schedule_expression: 'rate(5 minutes)',
      target: { arn: lambda('reconcile').ref('arn') },
    });
    const role = byName[`${prefix}-checker`].target.role_arn.replace(/\.arn\}$/, '.id}');
    expect(policies().find((p) => p.role === role)?.doc.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [lambda('checker').ref('arn'), lambda('reconcile').ref('arn')],
      },
    ]);
  });
});

describe('lambdas', () => {
  it('are all nodejs24.x on arm64, logging JSON to their own log group with retention', () => {
    const functions = Object.values(resourcesOf(tf, 'aws_lambda_function'));
    expect(functions.map((f: Json) => f.function_name).sort()).toEqual(
      [
        'api',
        'provision-reconciler',
        'checker',
        'reconcile',
        ...taskNames.map((t) => `publish-${t}`),
        ...['collect', 'page', 'finish', 'feedback', 'remind'].map((f) => `notify-${f}`),
      ]
        .map((n) => `${prefix}-${n}`)
        .sort(),
    );
    const logGroups = resourcesOf(tf, 'aws_cloudwatch_log_group');
    for (const fn of functions) {
      expect(fn.runtime).toBe('nodejs24.x');
      expect(fn.architectures).toEqual(['arm64']);
      expect(fn.filename).toMatch(/^assets\/.+\/archive\.zip$/);
      const group =
        logGroups[/^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(fn.logging_config.log_group)?.[1] ?? ''];
      expect(group).toMatchObject({
        name: `/aws/lambda/${fn.function_name}`,
        retention_in_days: testConfig.logRetentionDays,
      });
      expect(fn.logging_config.log_format).toBe('JSON');
    }
    expect(lambda('checker').resource.handler).toBe('index.handler');
    // The archives that render (the publisher; the API for the dashboard's preview) nest their module
    // so the bundled renderer finds the compiled themes.
    expect(lambda('api').resource.handler).toBe('app/src/lambda/index.handler');
    expect(lambda('reconcile').resource.handler).toBe('app/src/lambda/index.reconcile');
    for (const t of taskNames) expect(lambda(`publish-${t}`).resource.handler).toBe(`app/src/lambda/index.${t}`);
  });

  it('never holds a secret in plain text: the cursor secret is generated into Secrets Manager and read from there', () => {
    const secret = findResource(tf, 'aws_secretsmanager_secret', (r) => r.name === `${prefix}/api/cursor-secret`);
    const version = findResource(tf, 'aws_secretsmanager_secret_version', (v) => v.secret_id === secret.ref('id'));
    expect(version.resource.lifecycle).toEqual({ ignore_changes: ['secret_string'] });
    expect(version.resource.secret_string).toMatch(/^\$\{data\.aws_secretsmanager_random_password\./);
    const variables = lambda('api').resource.environment.variables;
    expect(variables.CURSOR_SECRET).toBeUndefined();
    expect(variables.CURSOR_SECRET_ARN).toBe(secret.ref('arn'));
    expect(lambda('api').resource.depends_on).toContain(`aws_secretsmanager_secret_version.${version.id}`);
    expect(policyOf('api')).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [secret.ref('arn'), expect.stringContaining('aws_secretsmanager_secret.')],
    });
  });

  it('the API and every notifier function read one generated link secret, by ARN, and start only once it has a value', () => {
    const secret = findResource(tf, 'aws_secretsmanager_secret', (r) => r.name === `${prefix}/link-secret`);
    const version = findResource(tf, 'aws_secretsmanager_secret_version', (v) => v.secret_id === secret.ref('id'));
    expect(version.resource.secret_string).toMatch(/^\$\{data\.aws_secretsmanager_random_password\./);
    expect(version.resource.lifecycle).toEqual({ ignore_changes: ['secret_string'] });
    const readers = [
      'api',
      'provision-reconciler',
      ...['collect', 'page', 'finish', 'feedback', 'remind'].map((f) => `notify-${f}`),
    ];
    for (const name of readers) {
      const fn = lambda(name).resource;
      expect(fn.environment.variables.LINK_SECRET_ARN, name).toBe(secret.ref('arn'));
      expect(fn.depends_on, name).toContain(`aws_secretsmanager_secret_version.${version.id}`);
      expect(
        policyOf(name).some((st) => st.Resource.includes(secret.ref('arn'))),
        name,
      ).toBe(true);
    }
    // No function's environment holds a generated value.
    for (const fn of Object.values(resourcesOf(tf, 'aws_lambda_function')) as Json[]) {
      expect(JSON.stringify(fn.environment)).not.toContain('random_password');
    }
  });
});

describe('least-privilege IAM', () => {
  // Actions whose API takes no resource ARN: IAM accepts only "*" for them.
  const unscopable = new Set([
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
    // Wildcard-only in the service authorization reference; conditioned on the stage tag it creates.
    'cloudfront:CreateDistributionTenant',
  ]);

  it('grants no wildcard action in any policy, and a wildcard resource only for unscopable actions', () => {
    const documents = [
      ...policies().map((p) => p.doc),
      ...Object.values(resourcesOf(tf, 'aws_s3_bucket_policy')).map((p: Json) => JSON.parse(p.policy)),
      ...Object.values(resourcesOf(tf, 'aws_iam_role')).map((r: Json) => JSON.parse(r.assume_role_policy)),
    ];
    // 20 roles (15 functions, two workflows, three schedulers), each with a trust and a permission policy; the bucket's.
    expect(documents).toHaveLength(2 * (15 + 2 + 3) + 1);
    let allows = 0;
    for (const doc of documents) {
      for (const s of doc.Statement) {
        // A Deny can only take permissions away (the bucket's TLS-only guard denies s3:* on purpose).
        if (s.Effect === 'Deny') continue;
        allows++;
        const actions: string[] = [s.Action].flat();
        for (const action of actions) expect(action, action).not.toMatch(/\*/);
        if ([s.Resource].flat().includes('*'))
          for (const action of actions) expect(unscopable.has(action), action).toBe(true);
      }
    }
    expect(allows).toBeGreaterThan(documents.length);
  });

  it('lets the API manage distribution tenants with exactly the provisioner’s actions, and nobody else', () => {
    const cloudfront = actionsOf('api').filter((a) => a.startsWith('cloudfront:'));
    expect(cloudfront.sort()).toEqual([...domainTenantActions].sort());
    expect(cloudfront).toContain('cloudfront:CreateDistributionTenant');
    expect(cloudfront).toContain('cloudfront:VerifyDnsConfiguration');
    const statements = policyOf('api') as { Action: string[]; Resource: string[]; Condition?: Json }[];
    const create = statements.find((s) => s.Action.includes('cloudfront:CreateDistributionTenant'));
    expect(create).toMatchObject({
      Action: ['cloudfront:CreateDistributionTenant'],
      Resource: ['*'],
      Condition: {
        StringEquals: { 'aws:RequestTag/upstate-stage': testConfig.stage },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['upstate-stage'] },
      },
    });
    const existing = statements.find((s) => s.Action.includes('cloudfront:DeleteDistributionTenant'));
    expect(existing).toMatchObject({
      Resource: [
        `arn:\${data.aws_partition.partition.partition}:cloudfront::\${data.aws_caller_identity.account.account_id}:distribution-tenant/*`,
      ],
      Condition: { StringEquals: { 'aws:ResourceTag/upstate-stage': testConfig.stage } },
    });
    // The provisioning reconciler retries exactly the provisioner's calls.
    expect(
      actionsOf('provision-reconciler')
        .filter((a) => a.startsWith('cloudfront:'))
        .sort(),
    ).toEqual([...domainTenantActions].sort());
    // Besides those two, only the invalidate task may even look a distribution tenant up; nobody else changes one.
    for (const name of ['checker', 'reconcile', ...taskNames.map((t) => `publish-${t}`)]) {
      const tenantActions = actionsOf(name).filter((a) => domainTenantActions.includes(a));
      expect(tenantActions, name).toEqual(
        name === 'publish-invalidate' ? ['cloudfront:GetDistributionTenantByDomain'] : [],
      );
    }
  });

  it('gives each publish task only what its step does', () => {
    expect(actionsOf('publish-lease')).not.toContain('s3:PutObject');
    expect(actionsOf('publish-invalidate').filter((a) => a.startsWith('cloudfront:'))).toEqual([
      'cloudfront:GetDistributionTenantByDomain',
      'cloudfront:CreateInvalidationForDistributionTenant',
    ]);
    expect(actionsOf('publish-render').filter((a) => a.startsWith('cloudfront:'))).toEqual([]);
    expect(actionsOf('publish-sync')).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject']));
    // The API never writes to the bucket: it only takes a deleted tenant's page down (list, delete).
    for (const name of ['api', 'provision-reconciler']) {
      expect(
        actionsOf(name)
          .filter((a) => a.startsWith('s3:'))
          .sort(),
        name,
      ).toEqual(['s3:DeleteObject', 's3:ListBucket']);
    }
    // Nothing but the sync may write where readers read; the takedown of a deleted tenant only deletes.
    const bucketArn = findResource(tf, 'aws_s3_bucket').ref('arn');
    for (const name of ['api', 'provision-reconciler']) {
      for (const s of policyOf(name).filter((s) => s.Action.some((a) => a.startsWith('s3:')))) {
        expect(s.Action, name).not.toContain('s3:PutObject');
      }
    }
    for (const name of ['checker', 'reconcile', ...taskNames.filter((t) => t !== 'sync').map((t) => `publish-${t}`)]) {
      for (const s of policyOf(name)) {
        if (s.Action.some((a) => a === 's3:PutObject' || a === 's3:DeleteObject')) {
          expect(s.Resource, name).toEqual([expect.stringMatching(/\/builds\/(runs|cdn)\/\*$/)]);
        }
      }
    }
    // Tasks that read manifests which may not exist yet can list the bucket (else S3 answers 403, not
    // NoSuchKey), and the API to take a deleted tenant's page down; nobody else can.
    for (const name of ['api', 'checker', 'reconcile', ...taskNames.map((t) => `publish-${t}`)]) {
      const lists = policyOf(name).filter((s) => s.Action.includes('s3:ListBucket'));
      // The API lists a deleted tenant's prefixes to delete them.
      if (name === 'publish-sync' || name === 'publish-invalidate' || name === 'api') {
        expect(
          lists.map((s) => s.Resource),
          name,
        ).toEqual([[bucketArn]]);
      } else expect(lists, name).toEqual([]);
    }
  });

  it('expires the builds of failed runs after a day, deleted builds after a day, replaced files after 30, and orphan delete markers', () => {
    const rules = findResource(tf, 'aws_s3_bucket_lifecycle_configuration').resource.rule;
    expect(rules).toEqual([
      expect.objectContaining({
        id: 'expire-replaced-files',
        filter: [{ prefix: '' }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        expiration: [{ expired_object_delete_marker: true }],
      }),
      expect.objectContaining({
        id: 'expire-deleted-builds',
        filter: [{ prefix: 'builds/' }],
        noncurrent_version_expiration: [{ noncurrent_days: 1 }],
      }),
      expect.objectContaining({
        id: 'expire-run-builds',
        filter: [{ prefix: 'builds/runs/' }],
        expiration: [{ days: 1 }],
      }),
    ]);
  });

  it('lets each service assume only its own roles; Step Functions and Scheduler only from this account', () => {
    const trusts = Object.values(resourcesOf(tf, 'aws_iam_role')).map((r: Json) => JSON.parse(r.assume_role_policy));
    const byService = (service: string) => trusts.filter((t) => t.Statement[0].Principal.Service === service);
    expect(trusts.every((t) => t.Statement.length === 1 && t.Statement[0].Action === 'sts:AssumeRole')).toBe(true);
    expect(byService('lambda.amazonaws.com')).toHaveLength(15);
    expect(byService('states.amazonaws.com')).toHaveLength(2);
    expect(byService('scheduler.amazonaws.com')).toHaveLength(3);
    for (const service of ['states.amazonaws.com', 'scheduler.amazonaws.com']) {
      for (const trust of byService(service)) {
        expect(trust.Statement[0].Condition).toEqual({
          StringEquals: { 'aws:SourceAccount': `\${data.aws_caller_identity.account.account_id}` },
        });
      }
    }
  });
});

describe('api', () => {
  it('puts a throttled, access-logged HTTP API in front of the Hono Lambda', () => {
    const api = findResource(tf, 'aws_apigatewayv2_api');
    expect(api.resource.protocol_type).toBe('HTTP');
    expect(findResource(tf, 'aws_apigatewayv2_integration').resource).toMatchObject({
      integration_type: 'AWS_PROXY',
      integration_uri: lambda('api').ref('arn'),
      payload_format_version: '2.0',
    });
    const { resource: stage } = findResource(tf, 'aws_apigatewayv2_stage');
    expect(stage.default_route_settings).toMatchObject({
      throttling_rate_limit: testConfig.apiRateLimit,
      throttling_burst_limit: testConfig.apiRateLimit * 2,
    });
    const accessLogs = findResource(tf, 'aws_cloudwatch_log_group', (g) => g.name === `/aws/apigateway/${prefix}-api`);
    expect(stage.access_log_settings.destination_arn).toBe(accessLogs.ref('arn'));
    expect(Object.keys(JSON.parse(stage.access_log_settings.format))).not.toContain('authorization');
    expect(findResource(tf, 'aws_lambda_permission', (p) => p.statement_id === 'AllowHttpApi').resource).toMatchObject({
      principal: 'apigateway.amazonaws.com',
      source_arn: `${api.ref('execution_arn')}/*/*`,
    });
    expect(lambda('api').resource.environment.variables).toMatchObject({
      CLOUDFRONT_DISTRIBUTION_ID: findResource(tf, 'aws_cloudfront_multitenant_distribution').ref('id'),
      CLOUDFRONT_CONNECTION_GROUP_ID: findResource(tf, 'aws_cloudfront_connection_group').ref('id'),
      PLATFORM_DOMAIN: testConfig.platformDomain,
    });
  });
});

describe('observability and email', () => {
  it('alarms on workflow failures, API 5xx and checker errors, to the alarm email', () => {
    const topic = findResource(tf, 'aws_sns_topic', (t) => t.name === `${prefix}-alarms`);
    expect(
      findResource(tf, 'aws_sns_topic_subscription', (s) => s.topic_arn === topic.ref('arn')).resource,
    ).toMatchObject({
      topic_arn: topic.ref('arn'),
      protocol: 'email',
      endpoint: testConfig.alarmEmail,
    });
    const alarms = Object.fromEntries(
      Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).map((a: Json) => [
        a.alarm_name.replace(`${prefix}-`, ''),
        a,
      ]),
    );
    const machine = machineNamed('publish');
    expect(alarms['notify-failed']).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      dimensions: { StateMachineArn: machineNamed('notify').ref('arn') },
    });
    expect(alarms['feedback-errors']).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: lambda('notify-feedback').ref('function_name') },
    });
    expect(alarms['publish-failed']).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      dimensions: { StateMachineArn: machine.ref('arn') },
    });
    expect(alarms['api-5xx']).toMatchObject({
      namespace: 'AWS/ApiGateway',
      metric_name: '5xx',
      dimensions: { ApiId: findResource(tf, 'aws_apigatewayv2_api').ref('id') },
    });
    expect(alarms['checker-errors']).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: lambda('checker').ref('function_name') },
    });
    for (const [name, alarm] of Object.entries(alarms)) {
      // CloudFront's alarm lives in us-east-1 with its own topic (production.test.ts).
      if (name !== 'cdn-5xx') expect((alarm as Json).alarm_actions).toEqual([topic.ref('arn')]);
    }
  });

  it('creates the SES identity and the outputs a deploy needs, and hard-codes no account id', () => {
    expect(findResource(tf, 'aws_sesv2_email_identity').resource.email_identity).toBe(testConfig.platformDomain);
    expect(Object.keys(tf.output)).toEqual(
      expect.arrayContaining([
        'api_url',
        'pages_cname_target',
        'distribution_id',
        'connection_group_id',
        'region',
        'ses_dkim_tokens',
        'notify_state_machine_arn',
        'link_secret_arn',
      ]),
    );
    // The only 12-digit account id is the one inside the configured certificate ARN.
    const ids = new Set(JSON.stringify(tf.resource).match(/(?<![0-9A-Fa-f-])\d{12}(?!\d)/g) ?? []);
    expect([...ids]).toEqual(['111122223333']);
  });
});

describe('notify', () => {
  it('deploys the very notify definition the local runner executes, with the task Lambdas’ ARNs', () => {
    const { resource: machine } = machineNamed('notify');
    const resources = Object.fromEntries(notifyTaskNames.map((t) => [t, lambda(`notify-${t}`).ref('arn')]));
    expect(machine.definition).toBe(
      JSON.stringify(notifyDefinition(resources as Record<(typeof notifyTaskNames)[number], string>)),
    );
    for (const t of notifyTaskNames) expect(lambda(`notify-${t}`).resource.handler).toBe(`index.${t}`);
  });

  it('the publisher’s commit starts notify runs, and only it and the reminder may', () => {
    const notify = machineNamed('notify').ref('arn');
    expect(lambda('publish-commit').resource.environment.variables.NOTIFY_STATE_MACHINE_ARN).toBe(notify);
    expect(lambda('publish-sync').resource.environment.variables.NOTIFY_STATE_MACHINE_ARN).toBeUndefined();
    const starters = Object.values(resourcesOf(tf, 'aws_lambda_function'))
      .map((f: Json) => (f.function_name as string).slice(prefix.length + 1))
      .filter((name) =>
        policyOf(name).some(
          (st) =>
            st.Action.includes('states:StartExecution') &&
            st.Resource.some((r) => r === notify || r.endsWith(`:stateMachine:${prefix}-notify`)),
        ),
      )
      .sort();
    expect(starters).toEqual(['notify-remind', 'publish-commit']);
  });

  it('account and subscription email leave the API through the notifications identity and configuration set', () => {
    const variables = lambda('api').resource.environment.variables;
    const set = findResource(tf, 'aws_sesv2_configuration_set');
    expect(variables).toMatchObject({
      MAIL_FROM: `Upstate <no-reply@${testConfig.platformDomain}>`,
      MAIL_DOMAIN: testConfig.platformDomain,
      SES_CONFIGURATION_SET: set.ref('configuration_set_name'),
      API_BASE: `https://api.${testConfig.platformDomain}`,
      DASHBOARD_URL: `https://app.${testConfig.platformDomain}/dashboard`,
    });
    expect(policyOf('api')).toContainEqual({
      Effect: 'Allow',
      Action: ['ses:SendEmail'],
      Resource: [findResource(tf, 'aws_sesv2_email_identity').ref('arn'), set.ref('arn')],
    });
  });
});
