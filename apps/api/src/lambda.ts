import { resolveTxt } from 'node:dns/promises';
import {
  cloudFrontClient,
  createCloudFrontDomainProvisioner,
  createSesClient,
  createSesMailer,
  dynamoDbClient,
  readSecretString,
  secretsManagerClient,
  sfnClient,
  sfnPublishTrigger,
} from '@upstate/aws';
import { createStore } from '@upstate/store';
import { handle } from 'hono/aws-lambda';
import { createApp } from './app.ts';
import { readEnv } from './env.ts';
import { retryProvisioning } from './provisioning.ts';

const env = readEnv();

// Read once per cold start (top-level await): every request of this container signs cursors with it.
const cursorSecret = env.CURSOR_SECRET_ARN
  ? await readSecretString(secretsManagerClient(env), env.CURSOR_SECRET_ARN)
  : env.CURSOR_SECRET;

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

/** The configured app, exported so the dashboard's Lambda entry mounts itself on the same origin. */
export const app = createApp({
  store,
  publishTrigger: env.STATE_MACHINE_ARN
    ? sfnPublishTrigger({ client: sfnClient(env), stateMachineArn: env.STATE_MACHINE_ARN })
    : {
        async requestPublish() {
          throw new Error('STATE_MACHINE_ARN is not set');
        },
      },
  dnsResolver: { resolveTxt },
  ...(env.MAIL_FROM
    ? {
        mailer: createSesMailer({
          client: createSesClient({
            region: env.AWS_REGION,
            ...(env.SES_ENDPOINT ? { endpoint: env.SES_ENDPOINT } : {}),
          }),
          ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
        }),
      }
    : {}),
  ...(domainProvisioner ? { domainProvisioner } : {}),
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

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = handle(app);

/** Scheduled: retries every page domain whose CDN provisioning failed (see provisioning.ts). */
export const reconcileProvisioning = () =>
  domainProvisioner
    ? retryProvisioning({
        store,
        domainProvisioner,
        platformDomain: env.PLATFORM_DOMAIN,
        log: (message, detail) => console.log(JSON.stringify({ level: 'info', message, ...detail })),
      })
    : Promise.resolve({ pending: 0, provisioned: 0, dropped: 0, failed: 0 });
