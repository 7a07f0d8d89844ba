import { resolveTxt } from 'node:dns/promises';
import {
  cloudFrontClient,
  createCloudFrontDomainProvisioner,
  createLambdaImportLauncher,
  createSesClient,
  createSesMailer,
  createSiteTakedown,
  dynamoDbClient,
  isImportEvent,
  lambdaClient,
  readSecretString,
  s3Client,
  secretsManagerClient,
  sfnClient,
  sfnPublishTrigger,
} from '@upstate/aws';
import type { Log, PublishTrigger, SiteTakedown } from '@upstate/core';
import { httpStatuspageSource, systemResolveHost } from '@upstate/egress/statuspage-source';
import { confirmationEmail } from '@upstate/render/email';
import { runImport } from '@upstate/services/imports/run';
import { resumeTenantDeletions } from '@upstate/services/tenant/delete';
import { createStore } from '@upstate/store';
import { handle } from 'hono/aws-lambda';
import { createApp } from './app.ts';
import type { AppDeps } from './context.ts';
import { readDocsAssets } from './docs.ts';
import { noopDomainProvisioner } from './domains.ts';
import { readEnv } from './env.ts';
import { retryProvisioning } from './provisioning.ts';
import { keepingSiteObjects } from './site-takedown.ts';

const env = readEnv();
type SubscriptionOptions = NonNullable<AppDeps['subscriptions']>;

// Read once per cold start (top-level await): every request of this container signs cursors and
// subscriber links with them. A secret in the environment would be readable from the function's configuration.
const secrets = env.CURSOR_SECRET_ARN || env.LINK_SECRET_ARN ? secretsManagerClient(env) : undefined;
const [cursorSecret, linkSecret] = await Promise.all([
  env.CURSOR_SECRET_ARN && secrets ? readSecretString(secrets, env.CURSOR_SECRET_ARN) : env.CURSOR_SECRET,
  env.LINK_SECRET_ARN && secrets ? readSecretString(secrets, env.LINK_SECRET_ARN) : undefined,
]);

const domainProvisioner =
  env.CLOUDFRONT_DISTRIBUTION_ID && env.CLOUDFRONT_CONNECTION_GROUP_ID
    ? createCloudFrontDomainProvisioner({
        client: cloudFrontClient(env),
        distributionId: env.CLOUDFRONT_DISTRIBUTION_ID,
        connectionGroupId: env.CLOUDFRONT_CONNECTION_GROUP_ID,
        platformDomain: env.PLATFORM_DOMAIN,
        stage: env.STAGE,
      })
    : undefined;

/** The store the app writes through; the dashboard's Lambda entry reads its preview snapshot from it. */
export const store = createStore({ client: dynamoDbClient(env), tableName: env.TABLE_NAME, cursorSecret });

const publishTrigger: PublishTrigger = env.STATE_MACHINE_ARN
  ? sfnPublishTrigger({ client: sfnClient(env), stateMachineArn: env.STATE_MACHINE_ARN })
  : {
      async requestPublish() {
        throw new Error('STATE_MACHINE_ARN is not set');
      },
    };
const log = (message: string, detail?: Record<string, unknown>) =>
  console.error(JSON.stringify({ level: 'error', message, ...detail }));
const importSource = (root: string) => httpStatuspageSource(root, { resolveHost: systemResolveHost });

// Account email (verification, reset, invites) and the subscription opt-in go through SES v2 when MAIL_FROM is set.
const mailer = env.MAIL_FROM
  ? createSesMailer({
      client: createSesClient({ region: env.AWS_REGION, ...(env.SES_ENDPOINT ? { endpoint: env.SES_ENDPOINT } : {}) }),
      ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
    })
  : undefined;

// Subscriber routes need the notifier's link secret, where links point and a way to send the opt-in:
// with any of them missing they are not served (app.ts), rather than served with links nobody can follow.
const mailDomain = env.MAIL_DOMAIN;
const subscriptions: SubscriptionOptions | undefined =
  linkSecret && env.API_BASE && mailDomain && mailer
    ? {
        linkSecret,
        apiBase: env.API_BASE,
        async sendConfirmation(input) {
          await mailer.send(confirmationEmail({ ...input, mailDomain }, input.to, input.confirmUrl));
        },
      }
    : undefined;
const docsDir = env.DOCS_ASSETS_DIR;

/**
 * A deleted tenant's objects come off the site bucket. No invalidation: the deletion removes the
 * tenant's distribution tenants right after (services tenant/delete.ts), and their cache goes with
 * them, so the API needs no CloudFront invalidation grant. Without a bucket (local runs of this
 * module), the objects stay and the log says so.
 */
const siteTakedownOf = (logTo: Log): SiteTakedown =>
  env.SITE_BUCKET
    ? createSiteTakedown({
        s3: s3Client(env),
        bucket: env.SITE_BUCKET,
        invalidator: { invalidate: async () => {} },
      })
    : keepingSiteObjects(logTo);

/** The configured app, exported so the dashboard's Lambda entry mounts itself on the same origin. */
export const app = createApp({
  store,
  publishTrigger,
  log,
  dnsResolver: { resolveTxt },
  ...(docsDir ? { docsAssets: () => readDocsAssets(docsDir) } : {}),
  // The Lambda runtime names the function; imports run in a second, asynchronous invocation of it.
  ...(env.AWS_LAMBDA_FUNCTION_NAME
    ? {
        imports: {
          source: importSource,
          launch: createLambdaImportLauncher({ client: lambdaClient(env), functionName: env.AWS_LAMBDA_FUNCTION_NAME }),
        },
      }
    : {}),
  ...(mailer ? { mailer } : {}),
  ...(subscriptions ? { subscriptions } : {}),
  ...(domainProvisioner ? { domainProvisioner } : {}),
  siteTakedown: siteTakedownOf(log),
  config: {
    platformDomain: env.PLATFORM_DOMAIN,
    pageScheme: env.PAGE_SCHEME,
    cookieSecure: env.PAGE_SCHEME === 'https',
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    monitorsPerTenant: env.MONITORS_PER_TENANT,
    localMode: env.LOCAL_MODE,
    dashboardUrl: env.DASHBOARD_URL,
    ...(env.MAIL_FROM ? { mailFrom: env.MAIL_FROM } : {}),
  },
});

const http = handle(app);

/** API Gateway HTTP API (payload v2) entry point; also runs the imports this function hands itself. */
export const handler = async (event: Parameters<typeof http>[0], context: Parameters<typeof http>[1]) => {
  if (isImportEvent(event)) {
    const { tenantId, jobId, root } = event.upstateImport;
    await runImport(
      { store, publishTrigger, now: () => new Date(), log, source: importSource(root) },
      { tenantId, jobId },
    );
    return { statusCode: 200, body: '' };
  }
  return http(event, context);
};

/**
 * Scheduled: retries every page domain whose CDN provisioning failed (see provisioning.ts), and
 * finishes every tenant deletion a crash or a timeout left under way (services tenant/delete.ts).
 */
export const reconcileProvisioning = async () => {
  const info = (message: string, detail?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level: 'info', message, ...detail }));
  const deletionsFinished = await resumeTenantDeletions({
    store,
    publishTrigger,
    now: () => new Date(),
    log: info,
    siteTakedown: siteTakedownOf(info),
    domainProvisioner: domainProvisioner ?? noopDomainProvisioner,
    platformDomain: env.PLATFORM_DOMAIN,
  });
  const provisioning = domainProvisioner
    ? await retryProvisioning({ store, domainProvisioner, platformDomain: env.PLATFORM_DOMAIN, log: info })
    : { pending: 0, provisioned: 0, dropped: 0, failed: 0 };
  return { ...provisioning, deletionsFinished };
};
