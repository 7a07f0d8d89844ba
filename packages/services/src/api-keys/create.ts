import type { ApiKeyScope } from '@upstate/core';
import type { ApiKeyRecord } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';

/**
 * Creates an API key from a secret the caller minted (only its hash and prefix reach the store).
 * Writes: key, audit. A stop after the key: the key exists but its secret was never shown, so a
 * client revokes it (it is listed by name and prefix) and creates another; the audit is only written
 * after the key is stored.
 */
export async function createApiKey(
  deps: ServiceDeps,
  actor: Actor,
  input: { name: string; scopes: readonly ApiKeyScope[] },
  secret: { prefix: string; hash: string },
): Promise<ApiKeyRecord> {
  const operationId = operationIdOf(actor, deps);
  const key = await deps.store.apiKeys.create({
    id: operationId,
    tenantId: actor.tenantId,
    name: input.name,
    scopes: [...new Set(input.scopes)],
    prefix: secret.prefix,
    hash: secret.hash,
    createdAt: deps.now().toISOString(),
  });
  await audit(
    deps,
    actor,
    operationId,
    'api_key.created',
    { type: 'api_key', id: key.id },
    { name: key.name, scopes: key.scopes },
  );
  return key;
}
