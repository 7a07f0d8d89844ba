import { createTestStore } from '@upstate/store/testing';
import { expect, it } from 'vitest';
import { republishAll } from './republish.ts';

it('puts every tenant, published or not, in the reconciler’s stale list', async () => {
  // Prepare: one tenant published at its current version, one never published
  const { store } = await createTestStore();
  const createdAt = '2026-12-01T10:00:00.000Z';
  for (const id of ['ta', 'tb']) await store.tenants.create({ id, slug: id, name: id, timezone: 'UTC', createdAt });
  const version = await store.publish.bumpContentVersion('ta');
  await store.publish.commitPublished('ta', version);
  expect((await store.publish.listStale()).map((s) => s.tenantId)).not.toContain('ta');

  // Act
  const bumped = await republishAll({ store });

  // Assess: both are due a publish, the published one past what it shows
  expect(bumped).toBe(2);
  expect((await store.publish.listStale()).map((s) => s.tenantId).sort()).toEqual(['ta', 'tb']);
  const ta = await store.publish.get('ta');
  expect(ta.contentVersion).toBe(ta.publishedVersion + 1);
});
