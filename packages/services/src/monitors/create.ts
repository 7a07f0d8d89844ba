import { AppError, type Monitor } from '@upstate/core';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

export interface CreateMonitorInput {
  componentId: string;
  name: string;
  config: Monitor['config'];
  intervalSeconds?: number | undefined;
  failureThreshold?: number | undefined;
  recoveryThreshold?: number | undefined;
  paused?: boolean | undefined;
}

/**
 * Creates a monitor for a component of the tenant. Monitors are not on the page, so no publish.
 * Writes: monitor (+ heartbeat token hash; id = operation id), audit. A stop after the monitor: a
 * retry under the same Idempotency-Key finds it and only audits; the heartbeat secret is shown by the
 * first response only (it is never stored in the clear), so a lost one means revoke and recreate.
 */
export async function createMonitor(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateMonitorInput,
  heartbeatTokenHash?: string,
  /** The per-tenant cap: the checker's slots are shared, so no tenant may flood them (issue 14). */
  monitorsPerTenant = Number.POSITIVE_INFINITY,
): Promise<{ monitor: Monitor; created: boolean }> {
  const operationId = operationIdOf(actor, deps);
  const existing = await deps.store.monitors.get(actor.tenantId, operationId);
  if (existing) {
    await audit(
      deps,
      actor,
      operationId,
      'monitor.created',
      { type: 'monitor', id: existing.id },
      { kind: existing.config.kind },
    );
    return { monitor: existing, created: false };
  }
  if (!(await deps.store.components.get(actor.tenantId, input.componentId))) {
    throw new AppError('validation_failed', 'Unknown component', { field: 'componentId' });
  }
  if ((await deps.store.monitors.list(actor.tenantId)).length >= monitorsPerTenant) {
    throw new AppError(
      'quota_exceeded',
      `A page has at most ${monitorsPerTenant} monitors; delete one to add another`,
      {
        field: 'componentId',
      },
    );
  }
  const at = deps.now().toISOString();
  const monitor: Monitor = {
    id: operationId,
    tenantId: actor.tenantId,
    componentId: input.componentId,
    name: input.name,
    config: input.config,
    intervalSeconds: input.intervalSeconds ?? 60,
    failureThreshold: input.failureThreshold ?? 3,
    recoveryThreshold: input.recoveryThreshold ?? 2,
    paused: input.paused ?? false,
    nextRunAt: at,
    lastResult: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastHeartbeatAt: input.config.kind === 'heartbeat' ? at : null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await deps.store.monitors.create(monitor, heartbeatTokenHash);
  await audit(
    deps,
    actor,
    operationId,
    'monitor.created',
    { type: 'monitor', id: monitor.id },
    { kind: monitor.config.kind },
  );
  return { monitor, created: true };
}
