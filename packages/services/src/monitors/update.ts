import { AppError, type Monitor } from '@upstate/core';
import { audit } from '../audit.ts';
import { sentFields } from '../components/update.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, assertVersion, operationIdOf } from '../operation.ts';

export type UpdateMonitorInput = Partial<
  Pick<Monitor, 'name' | 'config' | 'intervalSeconds' | 'failureThreshold' | 'recoveryThreshold' | 'paused'>
>;

/**
 * PATCH of a monitor's settings. Sets only the fields sent, in one conditional update, never the run
 * state: a run the checker records between the client's read and this PATCH is kept. With If-Match
 * a stale version is a 409. Writes: monitor, audit (a retry sets the same fields again).
 */
export async function updateMonitor(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  input: UpdateMonitorInput,
  expectedVersion?: number,
): Promise<Monitor> {
  const operationId = operationIdOf(actor, deps);
  const current = await deps.store.monitors.require(actor.tenantId, id);
  assertVersion(current, expectedVersion, 'monitor');
  if (input.config && input.config.kind !== current.config.kind) {
    throw new AppError('validation_failed', 'A monitor cannot change its kind', { field: 'config.kind' });
  }
  const fields = sentFields(input);
  const updated = await deps.store.monitors.updateSettings(actor.tenantId, id, fields, expectedVersion);
  await audit(deps, actor, operationId, 'monitor.updated', { type: 'monitor', id }, { fields: Object.keys(fields) });
  return updated;
}
