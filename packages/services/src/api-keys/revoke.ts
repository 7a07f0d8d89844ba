import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/** Revokes an API key of the tenant. Writes: revoke (a 404 for another tenant's key), then audit. */
export async function revokeApiKey(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  const operationId = operationIdOf(actor, deps);
  await deps.store.apiKeys.revoke(actor.tenantId, id);
  await audit(deps, actor, operationId, 'api_key.revoked', { type: 'api_key', id });
}
