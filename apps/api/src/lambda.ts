import { resolveTxt } from 'node:dns/promises';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createCloudFrontDomainProvisioner, createSesClient, createSesMailer } from '@upstate/aws';
import { createStore } from '@upstate/store';
import { handle } from 'hono/aws-lambda';
import { createApp } from './app.ts';
import { readEnv } from './env.ts';
import type { PublishTrigger } from './publish-trigger.ts';
import { sfnPublishTrigger as startPublishWith } from './sfn-publish-trigger.ts';

const env = readEnv();
const sfn = new SFNClient({ region: env.AWS_REGION });

/** Starts the publish workflow (shared with the checker; see `sfn-publish-trigger.ts`), on this entry's client. */
export const sfnPublishTrigger = (stateMachineArn: string): PublishTrigger => startPublishWith(stateMachineArn, sfn);

const app = createApp({
  store: createStore({
    client: new DynamoDBClient({
      region: env.AWS_REGION,
      ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    }),
    tableName: env.TABLE_NAME,
    cursorSecret: env.CURSOR_SECRET,
  }),
  publishTrigger: env.STATE_MACHINE_ARN
    ? sfnPublishTrigger(env.STATE_MACHINE_ARN)
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
          // CloudFront's control plane is global and answers in us-east-1.
          client: new CloudFrontClient({ region: 'us-east-1' }),
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
    localMode: env.LOCAL_MODE,
    dashboardUrl: env.DASHBOARD_URL,
    ...(env.MAIL_FROM ? { mailFrom: env.MAIL_FROM } : {}),
  },
});

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = handle(app);
