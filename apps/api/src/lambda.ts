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

const env = readEnv();

// Read once per cold start (top-level await): every request of this container signs cursors with it.
const cursorSecret = env.CURSOR_SECRET_ARN
  ? await readSecretString(secretsManagerClient(env), env.CURSOR_SECRET_ARN)
  : env.CURSOR_SECRET;

const app = createApp({
  store: createStore({ client: dynamoDbClient(env), tableName: env.TABLE_NAME, cursorSecret }),
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
  ...(env.CLOUDFRONT_DISTRIBUTION_ID && env.CLOUDFRONT_CONNECTION_GROUP_ID
    ? {
        domainProvisioner: createCloudFrontDomainProvisioner({
          client: cloudFrontClient(env),
          distributionId: env.CLOUDFRONT_DISTRIBUTION_ID,
          connectionGroupId: env.CLOUDFRONT_CONNECTION_GROUP_ID,
          platformDomain: env.PLATFORM_DOMAIN,
        }),
      }
    : {}),
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
