import type { PublishTrigger } from './ports.ts';
import type { HttpMonitorConfig, Monitor } from './schemas.ts';

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

/**
 * An unpaused HTTP monitor of `componentId`, due at `at` (every time field is `at`), that never ran;
 * `overrides` replace fields, `config` fields of the HTTP check.
 */
export function httpMonitorFixture(
  fields: { id: string; tenantId: string; componentId: string; url: string; at: string },
  overrides: Partial<Omit<Monitor, 'config'>> & { config?: Partial<HttpMonitorConfig> } = {},
): Monitor {
  const { config, ...rest } = overrides;
  return {
    id: fields.id,
    tenantId: fields.tenantId,
    componentId: fields.componentId,
    name: fields.id,
    config: {
      kind: 'http',
      url: fields.url,
      method: 'GET',
      expectedStatus: { min: 200, max: 299 },
      keyword: null,
      timeoutMs: 30_000,
      followRedirects: false,
      headers: {},
      degradedThresholdMs: 30_000,
      ...config,
    },
    intervalSeconds: 60,
    failureThreshold: 1,
    recoveryThreshold: 1,
    paused: false,
    nextRunAt: fields.at,
    lastResult: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastHeartbeatAt: null,
    createdAt: fields.at,
    updatedAt: fields.at,
    version: 1,
    ...rest,
  };
}
