import type { Author } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys/create.ts';
import { revokeApiKey } from './api-keys/revoke.ts';
import type { ServiceDeps } from './deps.ts';
import type { Actor } from './operation.ts';
import { updateTenantSettings } from './tenant/update-settings.ts';

const author: Author = { kind: 'user', id: 'u1', label: 'ops@example.com' };

async function setup(tenantId: string) {
  const { store } = await createTestStore();
  const published: number[] = [];
  const deps: ServiceDeps = {
    store,
    publishTrigger: { requestPublish: async (_t, v) => void published.push(v) },
    now: () => new Date(),
    log: () => {},
  };
  await store.tenants.create({
    id: tenantId,
    slug: tenantId,
    name: 'Acme',
    timezone: 'UTC',
    createdAt: new Date().toISOString(),
  });
  const actor: Actor = { tenantId, author };
  return { store, deps, actor, published };
}

describe('tenant settings', () => {
  it('concurrent PATCHes of different fields both hold, each publishes', async () => {
    const { store, deps, actor, published } = await setup('acme');
    await Promise.all([
      updateTenantSettings(deps, actor, { name: 'Acme Inc' }),
      updateTenantSettings(deps, actor, { branding: { brandColor: '#1d4ed8' } }),
      updateTenantSettings(deps, actor, { timezone: 'Europe/Berlin' }),
    ]);
    const stored = await store.tenants.require('acme');
    expect(stored.tenant).toMatchObject({ name: 'Acme Inc', timezone: 'Europe/Berlin' });
    expect(stored.branding.brandColor).toBe('#1d4ed8');
    expect(published).toHaveLength(3);
    expect((await store.audit.list('acme')).items.map((e) => e.action)).toEqual(Array(3).fill('tenant.updated'));
  });

  it('a stale expected version is a 409 naming If-Match; a low-contrast colour is a 400 before any write', async () => {
    const { store, deps, actor } = await setup('acme2');
    await updateTenantSettings(deps, actor, { name: 'Renamed' });
    await expect(updateTenantSettings(deps, actor, { name: 'Again' }, 1)).rejects.toMatchObject({
      code: 'conflict',
      field: 'If-Match',
    });
    await expect(updateTenantSettings(deps, actor, { branding: { brandColor: '#ffff00' } })).rejects.toMatchObject({
      code: 'validation_failed',
      field: 'branding.brandColor',
    });
    expect((await store.tenants.require('acme2')).version).toBe(2);
    const adjusted = await updateTenantSettings(deps, actor, {
      branding: { brandColor: '#ffff00' },
      acceptAdjustedColor: true,
    });
    expect(adjusted.branding.brandColor).not.toBe('#ffff00');
    expect((await store.publish.get('acme2')).pendingSince).toBeNull();
  });
});

describe('API keys', () => {
  it('creates with the minted hash only and audits; revokes another tenant’s key as not found', async () => {
    const { store, deps, actor } = await setup('keys');
    const key = await createApiKey(
      deps,
      actor,
      { name: 'CI', scopes: ['incidents', 'incidents'] },
      { prefix: 'up_live_ab', hash: 'h1' },
    );
    expect(key).toMatchObject({ name: 'CI', scopes: ['incidents'], hash: 'h1' });
    await expect(revokeApiKey(deps, { tenantId: 'other', author }, key.id)).rejects.toMatchObject({ status: 404 });
    await revokeApiKey(deps, actor, key.id);
    expect(await store.apiKeys.getByHash('h1')).toBeUndefined();
    expect((await store.audit.list('keys')).items.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    expect((await store.audit.list('other')).items).toEqual([]);
  });
});
