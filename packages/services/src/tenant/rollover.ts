import type { ServiceDeps } from '../deps.ts';
import { requestPublish } from '../page/changed.ts';

/**
 * The daily publish of one tenant (so the 90-day bars move). One write: the claim bumps
 * contentVersion itself, so a stop after it leaves a stale tenant for the reconciler. Returns whether
 * this call claimed the day (a second call on the same day does nothing).
 */
export async function rolloverTenant(deps: ServiceDeps, tenantId: string, day: string): Promise<boolean> {
  const version = await deps.store.publish.claimRollover(tenantId, day);
  if (version === null) return false;
  await requestPublish(deps, tenantId, version);
  return true;
}
