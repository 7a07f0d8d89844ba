import { lookup } from 'node:dns/promises';
import {
  createSesMailer,
  dynamoDbClient,
  readSecretString,
  reminderExecutionName,
  type StartPublish,
  s3Client,
  secretsManagerClient,
  sesClient,
  sfnClient,
  sfnStartPublish,
} from '@upstate/aws';
import { recordFeedback, type SesFeedback } from '@upstate/services/notifications/record-feedback';
import { createStore } from '@upstate/store';
import { readEnv } from './env.ts';
import { createNotifyHandlers, type NotifyHandlers } from './handlers.ts';
import { createSenders } from './senders.ts';

// Lambda entry points: one per Task state of the notify definition, plus `feedback` for SES events
// (EventBridge) and `remind`, the maintenance-reminder schedule (what the local notifier's `remindDue` does). The link secret and clients are made once per container and reused while warm.

const log = (message: string, detail: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level: 'info', message, ...detail }));

const env = readEnv();
// Read once per container: a secret in the function's environment would be readable by anyone who can
// read its configuration.
const linkSecret = await readSecretString(secretsManagerClient(env), env.LINK_SECRET_ARN);
const store = createStore({ client: dynamoDbClient(env), tableName: env.TABLE_NAME });

let cached: NotifyHandlers | undefined;

function handlers(): NotifyHandlers {
  cached ??= createNotifyHandlers({
    store,
    s3: s3Client(env),
    bucket: env.BUCKET,
    senders: createSenders({
      mailer: createSesMailer({
        client: sesClient(env),
        ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
      }),
      policy: {
        allowPrivateTargets: false,
        resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
      },
    }),
    links: { apiBase: env.API_BASE, linkSecret },
    mailDomain: env.MAIL_DOMAIN,
    log,
  });
  return cached;
}

/** Task `Collect`: `{ tenantId, version, run }` -> `{ tenantId, run, hasWork, entryKeys, ranges }`. */
export const collect = (event: unknown) => handlers().collect(event);
/** Task `DeliverRange`: `{ tenantId, run, entryKeys, range }` -> counts by outcome. */
export const page = (event: unknown) => handlers().page(event);
/** Task `Finish`: `{ tenantId, entryKeys }` -> `{ tenantId, completed }`. */
export const finish = (event: unknown) => handlers().finish(event);

/** EventBridge rule on SES events of the configuration set: delivery, bounce, complaint. */
export const feedback = async (event: {
  detail?: { eventType?: string; mail?: { messageId?: string }; bounce?: { bounceType?: string } };
}) => {
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

let startRun: StartPublish | undefined;
const reminderLanes = 16;

/**
 * Scheduled every minute: starts a notify run for each tenant whose page shows a maintenance due for its
 * reminder. The run name carries the minute, so a minute never starts two runs for one tenant.
 */
export const remind = async (_event?: unknown): Promise<{ started: number }> => {
  if (!env.NOTIFY_STATE_MACHINE_ARN) throw new Error('NOTIFY_STATE_MACHINE_ARN is not set');
  startRun ??= sfnStartPublish({ client: sfnClient(env), stateMachineArn: env.NOTIFY_STATE_MACHINE_ARN });
  const start = startRun;
  const at = new Date();
  const tenantIds = await store.tenants.listIds();
  let started = 0;
  let next = 0;
  // Each check is one S3 read and one item read: in lanes, so a minute's tick covers thousands of tenants
  // within the function's 55 s (sequentially, 10,000 tenants at ~15 ms each would not).
  const lane = async () => {
    while (next < tenantIds.length) {
      const tenantId = tenantIds[next++] as string;
      if (!(await handlers().reminderDue(tenantId))) continue;
      if (await start(tenantId, 0, reminderExecutionName(tenantId, at))) started++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(reminderLanes, tenantIds.length) }, lane));
  if (started) log('maintenance reminders started', { started });
  return { started };
};
