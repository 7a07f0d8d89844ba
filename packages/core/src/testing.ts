import type { PublishTrigger } from './ports.ts';

/** Records triggers in memory; for tests and for running an entry point without a publisher. */
export function recordingPublishTrigger(): PublishTrigger & { calls: { tenantId: string; contentVersion: number }[] } {
  const calls: { tenantId: string; contentVersion: number }[] = [];
  return {
    calls,
    async requestPublish(tenantId, contentVersion) {
      calls.push({ tenantId, contentVersion });
    },
  };
}
