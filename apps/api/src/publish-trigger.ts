/** Starts a publish of the tenant's site at (at least) `contentVersion`. Implemented by apps/publisher. */
export interface PublishTrigger {
  requestPublish(tenantId: string, contentVersion: number): Promise<void>;
}

/** Records triggers in memory; for tests and for running the API without a publisher. */
export function recordingPublishTrigger(): PublishTrigger & { calls: { tenantId: string; contentVersion: number }[] } {
  const calls: { tenantId: string; contentVersion: number }[] = [];
  return {
    calls,
    async requestPublish(tenantId, contentVersion) {
      calls.push({ tenantId, contentVersion });
    },
  };
}
