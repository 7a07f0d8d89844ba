import {
  cloudFrontClient,
  createTenantCdnInvalidator,
  dynamoDbClient,
  type Invalidator,
  type StartPublish,
  s3Client,
  sfnClient,
  sfnNotifyTrigger,
  sfnStartPublish,
} from '@upstate/aws';
import type { Log } from '@upstate/core';
import { renderSite } from '@upstate/render';
import { createStore } from '@upstate/store';
import { readEnv } from './env.ts';
import { createHandlers, type Handlers, reconcileStale } from './handlers.ts';

// Lambda entry points: one per Task state of the definition (`lambda.<task>`) plus `reconcile`,
// the scheduled reconciler. Clients are built on first use and reused by the warm container.

const log: Log = (message, detail = {}) => console.log(JSON.stringify({ level: 'info', message, ...detail }));

let cached: ReturnType<typeof build> | undefined;

function build() {
  const env = readEnv();
  const store = createStore({ client: dynamoDbClient(env), tableName: env.TABLE_NAME });
  const invalidator: Invalidator = env.DISTRIBUTION_ID
    ? createTenantCdnInvalidator({ client: cloudFrontClient(env), distributionId: env.DISTRIBUTION_ID, log })
    : {
        async invalidate() {
          throw new Error('DISTRIBUTION_ID is not set');
        },
      };
  const handlers: Handlers = createHandlers({
    store,
    s3: s3Client(env),
    bucket: env.BUCKET,
    invalidator,
    renderer: (snapshot) => renderSite(snapshot),
    site: { scheme: env.PAGE_SCHEME, platformDomain: env.PLATFORM_DOMAIN },
    leaseTtlMs: env.LEASE_TTL_SECONDS * 1000,
    log,
    // The commit starts the notify run of the version the page now shows (only the commit task calls it).
    ...(env.NOTIFY_STATE_MACHINE_ARN
      ? { notifyTrigger: sfnNotifyTrigger({ client: sfnClient(env), stateMachineArn: env.NOTIFY_STATE_MACHINE_ARN }) }
      : {}),
  });
  // Only the reconciler starts executions; a task container never builds the client.
  let start: StartPublish | undefined;
  const startPublish = (stateMachineArn: string) => {
    start ??= sfnStartPublish({ client: sfnClient(env), stateMachineArn });
    return start;
  };
  return { env, store, handlers, startPublish };
}

const deps = () => {
  cached ??= build();
  return cached;
};
const handlers = () => deps().handlers;

/** Task `AcquireLease`: `{ tenantId, version, owner }` -> `{ tenantId, version, acquired, reason }`. */
export const lease = (event: unknown) => handlers().lease(event);
/** Task `Render`: `{ tenantId, owner }` -> `{ tenantId, version, build, files }` (the build is in S3). */
export const render = (event: unknown) => handlers().render(event);
/** Task `Sync`: `{ tenantId, owner, version, build }` -> `{ ..., paths }`. */
export const sync = (event: unknown) => handlers().sync(event);
/** Task `Invalidate`: `{ tenantId, owner, version, build, paths }` -> `{ tenantId, version, build, invalidated }`. */
export const invalidate = (event: unknown) => handlers().invalidate(event);
/** Task `Commit`: `{ tenantId, owner, version, build }` -> `{ tenantId, version, more }`. */
export const commit = (event: unknown) => handlers().commit(event);
/** Task `ReleaseAfterFailure`: `{ tenantId, owner }` -> `{ tenantId, released }`. */
export const release = (event: unknown) => handlers().release(event);

/** Scheduled (EventBridge): starts a publish for every stale tenant without a live lease. */
export const reconcile = async (_event?: unknown): Promise<{ started: number }> => {
  const { env, store, startPublish } = deps();
  if (!env.STATE_MACHINE_ARN) throw new Error('STATE_MACHINE_ARN is not set');
  return { started: await reconcileStale({ store, log, start: startPublish(env.STATE_MACHINE_ARN) }) };
};
