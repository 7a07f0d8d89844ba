import { awsClients, createTenantCdnInvalidator, type Invalidator, sfnStartPublish } from '@upstate/aws';
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
  const clients = awsClients(env);
  const store = createStore({ client: clients.dynamoDb(), tableName: env.TABLE_NAME });
  const invalidator: Invalidator = env.DISTRIBUTION_ID
    ? createTenantCdnInvalidator({ client: clients.cloudFront(), distributionId: env.DISTRIBUTION_ID, log })
    : {
        async invalidate() {
          throw new Error('DISTRIBUTION_ID is not set');
        },
      };
  const handlers: Handlers = createHandlers({
    store,
    s3: clients.s3(),
    bucket: env.BUCKET,
    invalidator,
    renderer: (snapshot) => renderSite(snapshot),
    site: { scheme: env.PAGE_SCHEME, platformDomain: env.PLATFORM_DOMAIN },
    leaseTtlMs: env.LEASE_TTL_SECONDS * 1000,
    log,
  });
  return { env, clients, store, handlers };
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
  const { env, clients, store } = deps();
  if (!env.STATE_MACHINE_ARN) throw new Error('STATE_MACHINE_ARN is not set');
  const start = sfnStartPublish({ client: clients.sfn(), stateMachineArn: env.STATE_MACHINE_ARN });
  return { started: await reconcileStale({ store, log, start }) };
};
