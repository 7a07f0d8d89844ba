import { AppError } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/** Records a heartbeat ping (the token hash is the credential). One write; a repeat only moves the time. */
export async function recordHeartbeat(deps: ServiceDeps, tokenHash: string): Promise<string> {
  const monitor = await deps.store.monitors.getByHeartbeatHash(tokenHash);
  if (!monitor) throw new AppError('not_found', 'Unknown heartbeat');
  const at = deps.now().toISOString();
  await deps.store.monitors.recordHeartbeat(monitor.tenantId, monitor.id, at);
  return at;
}
