import type { Log, SiteTakedown } from '@upstate/core';

/**
 * The takedown where the API may not touch the site bucket (the deployed role has no grant for it):
 * a deleted tenant's page still stops, because the deletion removes its CDN aliases through the
 * domain provisioner; its objects stay in the bucket, unreachable, and the log names the tenant.
 * They hold no subscriber address (never on a page or in public JSON).
 */
export const keepingSiteObjects = (log: Log): SiteTakedown => ({
  async takeDown(tenantId) {
    log('site objects kept: no site takedown configured', { tenantId });
  },
});
