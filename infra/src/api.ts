import { Apigatewayv2Api } from '@cdktn/provider-aws/lib/apigatewayv2-api/index.js';
import { Apigatewayv2ApiMapping } from '@cdktn/provider-aws/lib/apigatewayv2-api-mapping/index.js';
import { Apigatewayv2DomainName } from '@cdktn/provider-aws/lib/apigatewayv2-domain-name/index.js';
import { Apigatewayv2Integration } from '@cdktn/provider-aws/lib/apigatewayv2-integration/index.js';
import { Apigatewayv2Route } from '@cdktn/provider-aws/lib/apigatewayv2-route/index.js';
import { Apigatewayv2Stage } from '@cdktn/provider-aws/lib/apigatewayv2-stage/index.js';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import type { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { SchedulerSchedule } from '@cdktn/provider-aws/lib/scheduler-schedule/index.js';
import type { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import { stageTagKey } from '@upstate/aws';
import { Construct } from 'constructs';
import { type Bundle, docsAssetsDir } from './bundle.ts';
import { ownTenants, type Statement, serviceRole } from './iam.ts';
import { NodeFunction } from './node-function.ts';
import { type GeneratedSecret, generatedSecret } from './secret.ts';
import { indexQuery, listing, objects, tableAccess } from './workflow.ts';

/**
 * Exactly what the domain provisioner (packages/aws/src/domain-provisioner.ts) calls: create a
 * distribution tenant and check its DNS when a domain is verified; look it up, disable and delete
 * it when the domain is removed.
 */
export const domainTenantActions = [
  'cloudfront:CreateDistributionTenant',
  'cloudfront:VerifyDnsConfiguration',
  'cloudfront:GetDistributionTenantByDomain',
  'cloudfront:UpdateDistributionTenant',
  'cloudfront:DeleteDistributionTenant',
];

export interface ApiProps {
  prefix: string;
  bundle: Bundle;
  table: DynamodbTable;
  /** The site bucket: the API only ever deletes from it, a deleted tenant's page (tenant/delete.ts). */
  bucket: S3Bucket;
  stateMachine: SfnStateMachine;
  distributionId: string;
  distributionArn: string;
  connectionGroupId: string;
  connectionGroupArn: string;
  distributionTenantArns: string;
  stage: string;
  accountId: string;
  platformDomain: string;
  rateLimit: number;
  logRetentionDays: number;
  /** Host names of the API and the dashboard (`api.{platform}`, `app.{platform}`), both served by this API. */
  hosts: { api: string; app: string };
  /** A certificate covering both hosts in the stage's region: HTTP API custom domains are regional. */
  regionalCertificateArn: string;
  /** Subscriber link tokens derive from it; the notifier reads the same secret. */
  linkSecret: GeneratedSecret;
  /** Account email and the subscription opt-in: the SES identity's domain, its configuration set, what SendEmail acts on. */
  mail: { domain: string; configurationSetName: string; sesResources: string[] };
}

/**
 * Every `$context` variable the access log may hold. None can carry a path, query string, header or
 * body: heartbeat tokens travel in paths, API keys and session cookies in headers. `routeKey` is the
 * route template (`$default` or `GET /v1/heartbeats/{token}`), never the path it matched.
 */
export const accessLogVariables = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  ip: '$context.identity.sourceIp',
  domain: '$context.domainName',
};

/**
 * Cross-origin callers: the public subscribe form on every tenant page (custom domains included, so
 * any origin) and API-key scripts. Never credentials: the session cookie is not usable cross-origin.
 */
export const apiCors = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
  exposeHeaders: ['etag', 'retry-after', 'idempotent-replayed'],
  allowCredentials: false,
  maxAge: 600,
};

/**
 * The management API and the dashboard: an HTTP API (throttled, access-logged, CORS for the public
 * subscribe form) in front of the one Hono Lambda that mounts both, on `api.{platform}` and `app.{platform}`.
 */
export class ApiStack extends Construct {
  readonly fn: NodeFunction;
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly domains: Record<'api' | 'app', Apigatewayv2DomainName>;
  readonly provisionReconciler: NodeFunction;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { prefix } = props;

    // Page cursors are HMAC-signed with this.
    const cursor = generatedSecret(this, 'cursor-secret', {
      name: `${prefix}/api/cursor-secret`,
      description: 'HMAC key of opaque page cursors',
    });
    const secret = cursor.secret;

    // The domain provisioner's calls, made by the API (sign-up, verify, remove) and by the
    // provisioning reconciler (retries).
    const provisioning: Statement[] = [
      // The service authorization reference lists CreateDistributionTenant as wildcard-only (no
      // resource type at all): scoped to the distribution or the connection group, as before, every
      // sign-up got AccessDenied. What can be conditioned is the tag it creates the tenant with.
      {
        actions: ['cloudfront:CreateDistributionTenant'],
        resources: ['*'],
        conditions: {
          StringEquals: { [`aws:RequestTag/${stageTagKey}`]: props.stage },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [stageTagKey] },
        },
      },
      ownTenants(
        props.distributionTenantArns,
        props.stage,
        domainTenantActions.filter((a) => a !== 'cloudfront:CreateDistributionTenant'),
      ),
    ];

    // Both read once per cold start (packages/aws readSecretString); no value ever enters the environment.
    const readSecrets: Statement = {
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.arn, props.linkSecret.secret.arn],
    };
    const secretValues = [cursor.version, props.linkSecret.version];
    // A deleted tenant's page comes off the bucket (packages/aws/src/site-takedown.ts): it lists the
    // tenant's prefixes and deletes what it finds, never writes. The request that deletes a tenant and
    // the reconciler that finishes an interrupted deletion both do it.
    const takeDownSites: Statement[] = [
      listing(props.bucket),
      objects(props.bucket, ['DeleteObject'], ['sites/', 'builds/runs/', 'builds/cdn/', 'manifests/']),
    ];
    const environment = {
      TABLE_NAME: props.table.name,
      SITE_BUCKET: props.bucket.bucket,
      STATE_MACHINE_ARN: props.stateMachine.arn,
      PLATFORM_DOMAIN: props.platformDomain,
      PAGE_SCHEME: 'https',
      CURSOR_SECRET_ARN: secret.arn,
      CLOUDFRONT_DISTRIBUTION_ID: props.distributionId,
      CLOUDFRONT_CONNECTION_GROUP_ID: props.connectionGroupId,
      STAGE: props.stage,
      DOCS_ASSETS_DIR: docsAssetsDir,
      // Subscriber links (the notifier signs with the same secret) and the mail apps/api/src/env.ts reads.
      LINK_SECRET_ARN: props.linkSecret.secret.arn,
      API_BASE: `https://${props.hosts.api}`,
      DASHBOARD_URL: `https://${props.hosts.app}/dashboard`,
      MAIL_DOMAIN: props.mail.domain,
      MAIL_FROM: `Upstate <no-reply@${props.mail.domain}>`,
      SES_CONFIGURATION_SET: props.mail.configurationSetName,
    };

    this.fn = new NodeFunction(this, 'handler', {
      name: `${prefix}-api`,
      bundle: props.bundle,
      exportName: 'handler',
      memorySize: 1024,
      timeout: 29,
      statements: [
        tableAccess(props.table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query']),
        indexQuery(props.table),
        { actions: ['states:StartExecution'], resources: [props.stateMachine.arn] },
        // Imports run in an asynchronous invocation of this function (its own ARN, built from its name to
        // avoid a reference cycle between the function and its role).
        {
          actions: ['lambda:InvokeFunction'],
          resources: [`arn:aws:lambda:*:${props.accountId}:function:${prefix}-api`],
        },
        readSecrets,
        // Account email and the subscription opt-in, only from the platform's identity and configuration set.
        { actions: ['ses:SendEmail'], resources: props.mail.sesResources },
        ...takeDownSites,
        ...provisioning,
      ],
      environment,
      logRetentionDays: props.logRetentionDays,
      // The first cold start reads the secrets: the function is created only once they have a value.
      dependsOn: secretValues,
    });

    this.api = new Apigatewayv2Api(this, 'http-api', {
      name: `${prefix}-api`,
      protocolType: 'HTTP',
      description: 'Upstate management API and dashboard',
      corsConfiguration: apiCors,
    });
    const integration = new Apigatewayv2Integration(this, 'lambda-integration', {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: this.fn.fn.arn,
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: 29_000,
    });
    new Apigatewayv2Route(this, 'default-route', {
      apiId: this.api.id,
      routeKey: '$default',
      target: `integrations/${integration.id}`,
    });
    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${prefix}-api`,
      retentionInDays: props.logRetentionDays,
    });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.rateLimit * 2,
        detailedMetricsEnabled: true,
      },
      // No paths, headers or query strings: tokens, Authorization and session cookies never reach the logs.
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify(accessLogVariables),
      },
    });
    this.domains = Object.fromEntries(
      (['api', 'app'] as const).map((part) => {
        const domain = new Apigatewayv2DomainName(this, `${part}-domain`, {
          domainName: props.hosts[part],
          domainNameConfiguration: {
            certificateArn: props.regionalCertificateArn,
            endpointType: 'REGIONAL',
            securityPolicy: 'TLS_1_2',
          },
        });
        new Apigatewayv2ApiMapping(this, `${part}-mapping`, {
          apiId: this.api.id,
          domainName: domain.id,
          stage: this.stage.id,
        });
        return [part, domain];
      }),
    ) as Record<'api' | 'app', Apigatewayv2DomainName>;
    // Failed page-domain provisioning (sign-up, verify) is retried until the CDN accepts it.
    this.provisionReconciler = new NodeFunction(this, 'provision-reconciler', {
      name: `${prefix}-provision-reconciler`,
      bundle: props.bundle,
      exportName: 'reconcileProvisioning',
      statements: [
        tableAccess(props.table, ['GetItem', 'Query', 'UpdateItem', 'DeleteItem']),
        // It finishes tenant deletions left under way: the deletion queue and the tenant's listings are indexes.
        indexQuery(props.table),
        // The same bundle: its cold start reads the secrets too.
        readSecrets,
        ...takeDownSites,
        ...provisioning,
      ],
      environment,
      dependsOn: secretValues,
      timeout: 120,
      logRetentionDays: props.logRetentionDays,
    });
    const schedulerRole = serviceRole(this, 'provision-scheduler-role', {
      name: `${prefix}-provision-scheduler`,
      service: 'scheduler.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [{ actions: ['lambda:InvokeFunction'], resources: [this.provisionReconciler.fn.arn] }],
    });
    new SchedulerSchedule(this, 'provision-schedule', {
      name: `${prefix}-provision-reconciler`,
      scheduleExpression: 'rate(5 minutes)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.provisionReconciler.fn.arn,
        roleArn: schedulerRole.arn,
        retryPolicy: { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 0 },
      },
    });

    new LambdaPermission(this, 'invoke-from-api', {
      statementId: 'AllowHttpApi',
      action: 'lambda:InvokeFunction',
      functionName: this.fn.fn.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/*/*`,
    });
  }
}
