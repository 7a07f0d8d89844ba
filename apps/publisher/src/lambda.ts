import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createS3Client, type Invalidator } from '@upstate/aws';
import { renderSite } from '@upstate/render';
import { createStore } from '@upstate/store';
import { createTenantCdnInvalidator } from './cdn.ts';
import { readEnv } from './env.ts';
import { createHandlers, type Handlers, reconcileStale } from './handlers.ts';

// Lambda entry points: one per Task state of the definition (`lambda.<task>`) plus `reconcile`,
// the scheduled reconciler. Clients are built on first use and reused by the warm container.

const log = (message: string, detail: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level: 'info', message, ...detail }));

let cached: { handlers: Handlers; deps: ReturnType<typeof build> } | undefined;

function build() {
  const env = readEnv();
  const store = createStore({
    client: new DynamoDBClient({
      region: env.AWS_REGION,
      ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    }),
    tableName: env.TABLE_NAME,
  });
  const s3 = createS3Client({ region: env.AWS_REGION, ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}) });
  const cloudFront = new CloudFrontClient({
    region: env.AWS_REGION,
    ...(env.CLOUDFRONT_ENDPOINT ? { endpoint: env.CLOUDFRONT_ENDPOINT } : {}),
  });
  const invalidator: Invalidator = env.DISTRIBUTION_ID
    ? createTenantCdnInvalidator({
        client: cloudFront,
        store,
        distributionId: env.DISTRIBUTION_ID,
        platformDomain: env.PLATFORM_DOMAIN,
        log,
      })
    : {
        async invalidate() {
          throw new Error('DISTRIBUTION_ID is not set');
        },
      };
  const sfn = new SFNClient({ region: env.AWS_REGION, ...(env.SFN_ENDPOINT ? { endpoint: env.SFN_ENDPOINT } : {}) });
  return { env, store, s3, invalidator, sfn };
}

function handlers(): Handlers {
  if (!cached) {
    const deps = build();
    cached = {
      deps,
      handlers: createHandlers({
        store: deps.store,
        s3: deps.s3,
        bucket: deps.env.BUCKET,
        invalidator: deps.invalidator,
        renderer: (snapshot) => renderSite(snapshot),
        site: { scheme: deps.env.PAGE_SCHEME, platformDomain: deps.env.PLATFORM_DOMAIN },
        leaseTtlMs: deps.env.LEASE_TTL_SECONDS * 1000,
        log,
      }),
    };
  }
  return cached.handlers;
}

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
  handlers();
  const { env, store, sfn } = (cached as NonNullable<typeof cached>).deps;
  const stateMachineArn = env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  const started = await reconcileStale({
    store,
    log,
    async start(tenantId, version, name) {
      try {
        await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ tenantId, version }) }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return false;
        throw error;
      }
    },
  });
  return { started };
};
