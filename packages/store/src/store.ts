import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AuditEvent, auditRepo } from './audit.ts';
import { apiKeysRepo, invitesRepo, sessionsRepo, teamsRepo, throttlesRepo, tokensRepo, usersRepo } from './auth.ts';
import { componentsRepo, groupsRepo } from './components.ts';
import { createCursorCodec } from './cursor.ts';
import type { Db } from './db.ts';
import { domainsRepo } from './domains.ts';
import { importJobsRepo } from './imports.ts';
import { incidentsRepo, maintenancesRepo } from './incidents.ts';
import { checksRepo, monitorsRepo, rollupsRepo } from './monitoring.ts';
import { provisioningRepo } from './provisioning.ts';
import { publishStateRepo } from './publish-state.ts';
import { idempotencyRepo, rateLimitsRepo } from './requests.ts';
import {
  deliveriesRepo,
  notificationSettingsRepo,
  notifyEntriesRepo,
  subscribersRepo,
  suppressionsRepo,
} from './subscribers.ts';
import { tenantDeletionRepo } from './tenant-deletion.ts';
import { tenantsRepo } from './tenants.ts';

export interface StoreOptions {
  client: DynamoDBClient;
  tableName: string;
  now?: () => Date;
  /** Signs page cursors. Use the same secret on every instance. */
  cursorSecret?: string;
}

/**
 * The repositories of the single table. Every tenant-scoped method takes the tenant id;
 * only `apiKeys.getByHash`, `sessions.get`, `users.getByEmail`, `tenants.getBySlug`,
 * `domains.getVerifiedByDomain`, `monitors.getByHeartbeatHash`, `subscribers.getByToken` and
 * `deliveries.byMessageId` look across tenants,
 * because authentication and routing need them.
 * @example const store = createStore({ client, tableName: 'upstate' })
 */
export function createStore(options: StoreOptions) {
  const db: Db = {
    doc: DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
    table: options.tableName,
    now: options.now ?? (() => new Date()),
    cursors: createCursorCodec(options.cursorSecret ?? 'upstate-local-cursor-secret'),
  };
  const audit = auditRepo(db);
  const components = componentsRepo(db);
  const groups = groupsRepo(db);
  const maintenances = maintenancesRepo(db);
  const monitors = monitorsRepo(db);
  const subscribers = subscribersRepo(db);
  const apiKeys = apiKeysRepo(db);
  /** Whether what a delete's audit event names is gone (false for a target type it cannot tell). */
  const deleted = async ({ tenantId, target }: AuditEvent): Promise<boolean> => {
    switch (target.type) {
      case 'component':
        return (await components.get(tenantId, target.id)) === undefined;
      case 'component_group':
        return (await groups.get(tenantId, target.id)) === undefined;
      case 'maintenance':
        return (await maintenances.get(tenantId, target.id)) === undefined;
      case 'monitor':
        return (await monitors.get(tenantId, target.id)) === undefined;
      case 'subscriber':
        return (await subscribers.get(tenantId, target.id)) === undefined;
      case 'api_key':
        return (await apiKeys.list(tenantId)).some((k) => k.id === target.id && k.revokedAt !== null);
      default:
        return false;
    }
  };
  return {
    db,
    tenants: tenantsRepo(db),
    tenantDeletion: tenantDeletionRepo(db),
    publish: publishStateRepo(db, async (event) => {
      if (await deleted(event)) await audit.append(event);
    }),
    users: usersRepo(db),
    sessions: sessionsRepo(db),
    apiKeys,
    teams: teamsRepo(db),
    tokens: tokensRepo(db),
    invites: invitesRepo(db),
    throttles: throttlesRepo(db),
    components,
    groups,
    incidents: incidentsRepo(db),
    maintenances,
    domains: domainsRepo(db),
    audit,
    idempotency: idempotencyRepo(db),
    rateLimits: rateLimitsRepo(db),
    monitors,
    checks: checksRepo(db),
    rollups: rollupsRepo(db),
    imports: importJobsRepo(db),
    provisioning: provisioningRepo(db),
    subscribers,
    deliveries: deliveriesRepo(db),
    suppressions: suppressionsRepo(db),
    notifyEntries: notifyEntriesRepo(db),
    notificationSettings: notificationSettingsRepo(db),
  };
}

export type Store = ReturnType<typeof createStore>;
