import type { Log, SiteTakedown } from '@upstate/core';

/**
 * The takedown where the API has no site bucket (a run of the API without `SITE_BUCKET`, or tests):
 * a deleted tenant's page still stops, because the deletion removes its CDN aliases through the
 * domain provisioner; its objects stay in the bucket, unreachable, and the log names the tenant.
 * They hold no subscriber address (never on a page or in public JSON).
 */
export const keepingSiteObjects = (log: Log): SiteTakedown => ({
  async takeDown(tenantId) {
    log('site objects kept: no site takedown configured', { tenantId });
  },
});
