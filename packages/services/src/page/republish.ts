import type { ServiceDeps } from '../deps.ts';

/**
 * Republishes every tenant whose pages changed without their data changing (apps/local after a
 * theme was recompiled). Writes: one content-version bump per tenant, nothing else, so the tenant
 * enters the reconciler's STALE index; the caller's reconciler publishes them at its own pace rather
 * than one trigger per tenant at once. A stop midway: the tenants bumped so far are republished and
 * the rest keep their last page (rendered with the old theme) until their next change, since the
 * theme counts as compiled on the next start. Returns how many tenants were bumped.
 */
export async function republishAll(deps: Pick<ServiceDeps, 'store'>): Promise<number> {
  const tenantIds = await deps.store.tenants.listIds();
  for (const tenantId of tenantIds) await deps.store.publish.bumpContentVersion(tenantId);
  return tenantIds.length;
}
