import { addDays, byInstant, type TenantSnapshot, utcDay } from '@upstate/core';
import type { Store } from './store.ts';

/** Incidents older than this stay in the store and the API but leave the public history. */
export const snapshotIncidentLimit = 500;

/** Completed maintenance kept on the page (the latest by schedule); live maintenance is never cut. */
export const snapshotCompletedMaintenanceLimit = 50;

/** Everything a publish needs to render one tenant's site, read at one moment. */
export async function loadSnapshot(
  store: Store,
  tenantId: string,
  options: { now: Date; baseUrl: string },
): Promise<TenantSnapshot> {
  const [record, publish, groups, components] = await Promise.all([
    store.tenants.require(tenantId),
    store.publish.get(tenantId),
    store.groups.list(tenantId),
    store.components.list(tenantId),
  ]);
  const incidents = [];
  let cursor: string | null = null;
  do {
    const page = await store.incidents.list(tenantId, { limit: 100, cursor });
    incidents.push(...page.items);
    cursor = incidents.length < snapshotIncidentLimit ? page.nextCursor : null;
  } while (cursor);
  // Every live maintenance whatever its age, plus the latest completed by schedule. The newest-created
  // page is merged in for completed maintenance stored before the completed index existed.
  const [live, completed, created] = await Promise.all([
    store.maintenances.listLive(tenantId),
    store.maintenances.listRecentCompleted(tenantId, snapshotCompletedMaintenanceLimit),
    store.maintenances.list(tenantId, { limit: snapshotCompletedMaintenanceLimit }),
  ]);
  const maintenances = new Map<string, (typeof live)[number]>();
  for (const m of [...live, ...completed, ...created.items.filter((m) => m.status === 'completed')]) {
    if (!maintenances.has(m.id)) maintenances.set(m.id, m);
  }
  const today = utcDay(options.now);
  const rollups = await store.rollups.listForComponents(
    tenantId,
    components.map((c) => c.id),
    addDays(today, -89),
    today,
  );
  const strip = <T extends { version?: number }>({ version, ...rest }: T) => rest;
  return {
    tenant: record.tenant,
    branding: record.branding,
    baseUrl: options.baseUrl,
    groups: groups.map(strip),
    components: components.map(strip),
    incidents: incidents.slice(0, snapshotIncidentLimit),
    maintenances: [...maintenances.values()].sort((a, b) => byInstant(a.scheduledFor, b.scheduledFor)),
    rollups,
    contentVersion: publish.contentVersion,
    generatedAt: options.now.toISOString(),
  };
}
