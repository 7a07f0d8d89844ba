import type { PublishTrigger } from '@upstate/core';

export type { PublishTrigger } from '@upstate/core';

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
