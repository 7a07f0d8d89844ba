import { resolveTxt } from 'node:dns/promises';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createCloudFrontDomainProvisioner, createLambdaImportLauncher, isImportEvent } from '@upstate/aws';
import { systemResolveHost } from '@upstate/egress/guard';
import { httpStatuspageSource } from '@upstate/egress/statuspage-source';
import { runImport } from '@upstate/services/imports/run';
import { createStore } from '@upstate/store';
import { handle } from 'hono/aws-lambda';
import { createApp } from './app.ts';
import { readDocsAssets } from './docs.ts';
import { readEnv } from './env.ts';
import type { PublishTrigger } from './publish-trigger.ts';
import { sfnPublishTrigger as startPublishWith } from './sfn-publish-trigger.ts';

const env = readEnv();
const sfn = new SFNClient({ region: env.AWS_REGION });

/** Starts the publish workflow (shared with the checker; see `sfn-publish-trigger.ts`), on this entry's client. */
export const sfnPublishTrigger = (stateMachineArn: string): PublishTrigger => startPublishWith(stateMachineArn, sfn);

const docsDir = env.DOCS_ASSETS_DIR;
const store = createStore({
  client: new DynamoDBClient({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  }),
  tableName: env.TABLE_NAME,
  cursorSecret: env.CURSOR_SECRET,
});
const publishTrigger: PublishTrigger = env.STATE_MACHINE_ARN
  ? sfnPublishTrigger(env.STATE_MACHINE_ARN)
  : {
      async requestPublish() {
        throw new Error('STATE_MACHINE_ARN is not set');
      },
    };
const log = (message: string, detail?: Record<string, unknown>) =>
  console.error(JSON.stringify({ level: 'error', message, ...detail }));
const importSource = (root: string) => httpStatuspageSource(root, { resolveHost: systemResolveHost });
const app = createApp({
  store,
  publishTrigger,
  log,
  dnsResolver: { resolveTxt },
  // The Lambda runtime names the function; imports run in a second, asynchronous invocation of it.
  ...(env.AWS_LAMBDA_FUNCTION_NAME
    ? {
        imports: {
          source: importSource,
          launch: createLambdaImportLauncher({
            client: new LambdaClient({ region: env.AWS_REGION }),
            functionName: env.AWS_LAMBDA_FUNCTION_NAME,
          }),
        },
      }
    : {}),
  ...(docsDir ? { docsAssets: () => readDocsAssets(docsDir) } : {}),
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
