// One key builder per item type. The item-type tags (first segment of sk, `type` attribute)
// are permanent: renaming one orphans stored data.

export type Key = { pk: string; sk: string };

export const itemTypes = {
  tenant: 'TENANT',
  slug: 'SLUG',
  publish: 'PUBLISH',
  user: 'USER',
  session: 'SESSION',
  apiKey: 'APIKEY',
  group: 'GROUP',
  component: 'COMPONENT',
  incident: 'INCIDENT',
  maintenance: 'MAINT',
  domain: 'DOMAIN',
  audit: 'AUDIT',
  idempotency: 'IDEM',
  rateLimit: 'RATE',
  monitor: 'MONITOR',
  heartbeat: 'HEARTBEAT',
  check: 'CHECK',
  rollup: 'ROLLUP',
  statusCredit: 'STATUSCREDIT',
  importJob: 'IMPORT',
  team: 'TEAM',
  membership: 'MEMBERSHIP',
  token: 'TOKEN',
  invite: 'INVITE',
  throttle: 'THROTTLE',
  provisioning: 'PROVISION',
  subscriber: 'SUBSCRIBER',
  subscriberTarget: 'SUBTARGET',
  subscriberToken: 'SUBTOKEN',
  delivery: 'DELIVERY',
  deliveryMessage: 'SESMSG',
  suppression: 'SUPPRESS',
  notifyEntry: 'NOTIFY',
  notificationSettings: 'NOTIFYSETTINGS',
} as const;

const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;

export const tenantKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'TENANT' });
export const slugKey = (slug: string): Key => ({ pk: `SLUG#${slug}`, sk: 'SLUG' });
export const publishStateKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'PUBLISH' });
export const userKey = (email: string): Key => ({ pk: `USER#${email.toLowerCase()}`, sk: 'USER' });
/** One item per tenant holding every member's role, so a role change is one conditional write. */
export const teamKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'TEAM' });
/** The user's side of a membership (for the tenant switcher), beside the user item. */
export const membershipKey = (email: string, tenantId: string): Key => ({
  pk: `USER#${email.toLowerCase()}`,
  sk: `MEMBERSHIP#${tenantId}`,
});
export const membershipPrefix = 'MEMBERSHIP#';
/** Single-use account tokens (email verification, password reset, invites), by hash. */
export const tokenKey = (tokenHash: string): Key => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' });
export const inviteKey = (tenantId: string, inviteId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `INVITE#${inviteId}`,
});
/** Failed sign-in attempts and the backoff they earned, per email or client address. */
export const throttleKey = (subject: string): Key => ({ pk: `THROTTLE#${subject}`, sk: 'THROTTLE' });
export const sessionKey = (sessionHash: string): Key => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' });
export const apiKeyKey = (keyHash: string): Key => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' });
export const groupKey = (tenantId: string, groupId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `GROUP#${groupId}`,
});
export const componentKey = (tenantId: string, componentId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `COMPONENT#${componentId}`,
});
export const incidentKey = (tenantId: string, incidentId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `INCIDENT#${incidentId}`,
});
export const maintenanceKey = (tenantId: string, maintenanceId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `MAINT#${maintenanceId}`,
});
/** The domain's one verified owner: the only item that routes. */
export const domainKey = (domain: string): Key => ({ pk: `DOMAIN#${domain.toLowerCase()}`, sk: 'DOMAIN' });
/** One tenant's pending claim on a domain; many tenants may hold one until someone proves the TXT record. */
export const domainClaimKey = (domain: string, tenantId: string): Key => ({
  pk: `DOMAIN#${domain.toLowerCase()}`,
  sk: `CLAIM#${tenantId}`,
});
export const auditKey = (tenantId: string, at: string, id: string): Key => ({
  pk: `${tenantPk(tenantId)}#AUDIT`,
  sk: `${at}#${id}`,
});
export const idempotencyKey = (tenantId: string, key: string): Key => ({
  pk: `${tenantPk(tenantId)}#IDEM`,
  sk: key,
});
export const rateLimitKey = (subject: string, window: number): Key => ({ pk: `RATE#${subject}`, sk: String(window) });
export const monitorKey = (tenantId: string, monitorId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `MONITOR#${monitorId}`,
});
export const heartbeatKey = (tokenHash: string): Key => ({ pk: `HEARTBEAT#${tokenHash}`, sk: 'HEARTBEAT' });
export const checkKey = (tenantId: string, monitorId: string, at: string): Key => ({
  pk: `${tenantPk(tenantId)}#CHECK#${monitorId}`,
  sk: at,
});
export const rollupKey = (tenantId: string, componentId: string, day: string): Key => ({
  pk: `${tenantPk(tenantId)}#ROLLUP#${componentId}`,
  sk: day,
});

export const importJobKey = (tenantId: string, jobId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `IMPORT#${jobId}`,
});

/** A page domain whose CDN provisioning failed and is being retried, in the one queue partition. */
export const provisioningKey = (tenantId: string, domain: string): Key => ({
  pk: provisioningQueue,
  sk: `${tenantId}#${domain.toLowerCase()}`,
});
/** How far the checker has credited the status time of a tenant's unmonitored components. */
export const statusCreditKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'STATUSCREDIT' });

export const subscriberKey = (tenantId: string, subscriberId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `SUBSCRIBER#${subscriberId}`,
});
/** One subscription per (tenant, channel, target): keyed by a hash so the address is not in a key. */
export const subscriberTargetKey = (tenantId: string, channel: string, targetHash: string): Key => ({
  pk: `${tenantPk(tenantId)}#SUBTARGET`,
  sk: `${channel}#${targetHash}`,
});
/** The reader's confirm/manage/unsubscribe token, by hash; cross-tenant because the link carries only the token. */
export const subscriberTokenKey = (tokenHash: string): Key => ({ pk: `SUBTOKEN#${tokenHash}`, sk: 'SUBTOKEN' });
export const deliveryKey = (tenantId: string, entryKey: string, subscriberId: string, channel: string): Key => ({
  pk: `${tenantPk(tenantId)}#DELIVERY#${entryKey}`,
  sk: `${subscriberId}#${channel}`,
});
export const deliveryPartition = (tenantId: string, entryKey: string) => `${tenantPk(tenantId)}#DELIVERY#${entryKey}`;
/** SES message id → delivery, so a bounce or complaint event finds the subscriber. */
export const deliveryMessageKey = (messageId: string): Key => ({ pk: `SESMSG#${messageId}`, sk: 'SESMSG' });
export const suppressionKey = (tenantId: string, targetHash: string): Key => ({
  pk: `${tenantPk(tenantId)}#SUPPRESS`,
  sk: targetHash,
});
export const notifyEntryKey = (tenantId: string, entryKey: string): Key => ({
  pk: `${tenantPk(tenantId)}#NOTIFY`,
  sk: entryKey,
});
export const notificationSettingsKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'NOTIFYSETTINGS' });
export const notifyEntryPartition = (tenantId: string) => `${tenantPk(tenantId)}#NOTIFY`;

/** Prefix of every tenant-partition item of one type, for begin_with queries. */
export const tenantPartition = (tenantId: string) => tenantPk(tenantId);
export const auditPartition = (tenantId: string) => `${tenantPk(tenantId)}#AUDIT`;
export const checkPartition = (tenantId: string, monitorId: string) => `${tenantPk(tenantId)}#CHECK#${monitorId}`;
export const rollupPartition = (tenantId: string, componentId: string) => `${tenantPk(tenantId)}#ROLLUP#${componentId}`;

// GSI keys ---------------------------------------------------------------------------------------
export const apiKeysByTenant = (tenantId: string) => `${tenantPk(tenantId)}#APIKEYS`;
/** Heartbeat tokens of a tenant's monitors (for tenant deletion; tokens made before this index are not in it). */
export const heartbeatsByTenant = (tenantId: string) => `${tenantPk(tenantId)}#HEARTBEATS`;
export const sessionsByUser = (userId: string) => `USER#${userId}#SESSIONS`;
export const domainsByTenant = (tenantId: string) => `${tenantPk(tenantId)}#DOMAINS`;
export const openIncidentsByTenant = (tenantId: string) => `${tenantPk(tenantId)}#OPEN`;
export const liveMaintenanceByTenant = (tenantId: string) => `${tenantPk(tenantId)}#LIVEMAINT`;
export const completedMaintenanceByTenant = (tenantId: string) => `${tenantPk(tenantId)}#DONEMAINT`;
/** Monitors due to run are spread over shards so the due-queue partition never runs hot. */
export const monitorShards = 4;
export const dueShard = (shard: number) => `DUE#${shard}`;
export const stalePartition = 'STALE';
/** Domains whose provisioning failed: a small partition (only failures live there), read by the reconciler. */
export const provisioningQueue = 'PROVISIONING';
/** Every tenant, for once-a-day work across tenants (the checker's day rollover). */
export const tenantDirectory = 'TENANTS';
/** Tenants whose deletion started (moved here from `TENANTS`); the reconciler finishes each. */
export const deletingQueue = 'DELETING';
/** Maintenance with an automatic start or end still to come, by the time it is due. */
export const maintenanceTransitionQueue = 'MAINTDUE';
