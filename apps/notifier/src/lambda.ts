import { lookup } from 'node:dns/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createS3Client, createSesClient, createSesMailer } from '@upstate/aws';
import { recordFeedback, type SesFeedback } from '@upstate/services/notifications/record-feedback';
import { createStore } from '@upstate/store';
import { readEnv } from './env.ts';
import { createNotifyHandlers, type NotifyHandlers } from './handlers.ts';
import { createSenders } from './senders.ts';

// Lambda entry points: one per Task state of the notify definition, plus `feedback` for SES events
// (EventBridge). Clients are built on first use and reused by the warm container.

const log = (message: string, detail: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level: 'info', message, ...detail }));

let cached: { handlers: NotifyHandlers; store: ReturnType<typeof createStore> } | undefined;

function handlers() {
  if (!cached) {
    const env = readEnv();
    const store = createStore({
      client: new DynamoDBClient({
        region: env.AWS_REGION,
        ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
      }),
      tableName: env.TABLE_NAME,
    });
    const s3 = createS3Client({ region: env.AWS_REGION, ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}) });
    const ses = createSesClient({
      region: env.AWS_REGION,
      ...(env.SES_ENDPOINT ? { endpoint: env.SES_ENDPOINT } : {}),
    });
    cached = {
      store,
      handlers: createNotifyHandlers({
        store,
        s3,
        bucket: env.BUCKET,
        senders: createSenders({
          mailer: createSesMailer({
            client: ses,
            ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
          }),
          policy: {
            allowPrivateTargets: false,
            resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
          },
        }),
        links: { apiBase: env.API_BASE, linkSecret: env.LINK_SECRET },
        mailDomain: env.MAIL_DOMAIN,
        log,
      }),
    };
  }
  return cached;
}

/** Task `Collect`: `{ tenantId, version, run }` -> `{ tenantId, run, hasWork, entryKeys, ranges }`. */
export const collect = (event: unknown) => handlers().handlers.collect(event);
/** Task `DeliverRange`: `{ tenantId, run, entryKeys, range }` -> counts by outcome. */
export const page = (event: unknown) => handlers().handlers.page(event);
/** Task `Finish`: `{ tenantId, entryKeys }` -> `{ tenantId, completed }`. */
export const finish = (event: unknown) => handlers().handlers.finish(event);

/** EventBridge rule on SES events of the configuration set: delivery, bounce, complaint. */
export const feedback = async (event: {
  detail?: { eventType?: string; mail?: { messageId?: string }; bounce?: { bounceType?: string } };
}) => {
  const { store } = handlers();
  const type = event.detail?.eventType;
  const messageId = event.detail?.mail?.messageId;
  if (!messageId || (type !== 'Delivery' && type !== 'Bounce' && type !== 'Complaint')) return { handled: false };
  const input: SesFeedback = {
    messageId,
    type,
    ...(event.detail?.bounce?.bounceType ? { bounceType: event.detail.bounce.bounceType } : {}),
  };
  return recordFeedback(
    { store, publishTrigger: { requestPublish: async () => {} }, now: () => new Date(), log },
    input,
  );
};
