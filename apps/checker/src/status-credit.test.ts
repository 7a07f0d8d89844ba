import type { Component } from '@upstate/core';
import { minutesByUtcDay } from '@upstate/services/uptime/credit-status';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { creditTenantStatusTime, statusCreditor } from './status-credit.ts';

const at = (iso: string) => Date.parse(iso);
const noLog = () => {};

describe('minutesByUtcDay', () => {
  it('splits a span at each UTC midnight in whole minutes', () => {
    expect(minutesByUtcDay(at('2026-11-24T23:58:00Z'), at('2026-11-25T00:03:00Z'))).toEqual([
      { day: '2026-11-24', minutes: 2 },
      { day: '2026-11-25', minutes: 3 },
    ]);
    expect(minutesByUtcDay(at('2026-11-24T00:00:00Z'), at('2026-11-25T00:00:00Z'))).toEqual([
      { day: '2026-11-24', minutes: 1440 },
    ]);
    expect(minutesByUtcDay(at('2026-11-24T10:00:00Z'), at('2026-11-24T10:00:00Z'))).toEqual([]);
  });
});

async function tenantWithComponent(store: Store, id: string, createdAt: string) {
  await store.tenants.create({ id, slug: id, name: id, timezone: 'UTC', createdAt });
  const component: Component = {
    id: `${id}-c`,
    tenantId: id,
    groupId: null,
    name: 'API',
    description: null,
    position: 0,
    status: 'operational',
    statusSource: 'monitor',
    onlyShowIfDegraded: false,
    showUptime: true,
    startDate: createdAt.slice(0, 10),
    createdAt,
    updatedAt: createdAt,
  };
  await store.components.create(component);
  return component;
}

const minutesOf = async (store: Store, c: Component) =>
  (await store.rollups.list(c.tenantId, c.id, '2026-01-01', '2026-12-31')).map((r) => [r.day, r.minutes]);

describe('creditTenantStatusTime', () => {
  it('does not backfill a tenant that existed long before its first credit', async () => {
    const { store } = await createTestStore();
    const c = await tenantWithComponent(store, 'old', '2026-01-01T00:00:00.000Z');
    const options = { maxCreditMs: 86_400_000, log: noLog };
    expect(await creditTenantStatusTime(store, 'old', new Date('2026-11-24T10:00:20Z'), options)).toEqual({
      claimed: true,
      minutes: 0,
    });
    expect(await creditTenantStatusTime(store, 'old', new Date('2026-11-24T10:05:00Z'), options)).toEqual({
      claimed: true,
      minutes: 5,
    });
    expect(await minutesOf(store, c)).toEqual([['2026-11-24', { operational: 5 }]]);
    expect(await creditTenantStatusTime(store, 'missing', new Date('2026-11-24T10:05:00Z'), options)).toEqual({
      claimed: false,
      minutes: 0,
    });
  });

  it('writes nothing for a tenant without components, and credits a later component from its creation', async () => {
    const { store } = await createTestStore();
    await store.tenants.create({
      id: 'empty',
      slug: 'empty',
      name: 'empty',
      timezone: 'UTC',
      createdAt: '2026-11-24T09:00:00.000Z',
    });
    const options = { maxCreditMs: 86_400_000, log: noLog };
    for (const t of ['10:00', '11:00']) {
      expect(await creditTenantStatusTime(store, 'empty', new Date(`2026-11-24T${t}:00Z`), options)).toEqual({
        claimed: false,
        minutes: 0,
      });
    }
    expect(await store.rollups.statusCredit('empty')).toBeNull();
    const component = { ...(await tenantWithComponent(store, 'other', '2026-11-24T11:30:00.000Z')), tenantId: 'empty' };
    await store.components.create(component);
    await creditTenantStatusTime(store, 'empty', new Date('2026-11-24T12:00:00Z'), options);
    expect(await minutesOf(store, component)).toEqual([['2026-11-24', { operational: 31 }]]);
  });

  it('loses the span of a write that fails after the claim, and never counts it later', async () => {
    const { store } = await createTestStore();
    const c = await tenantWithComponent(store, 'flaky', '2026-11-24T10:00:00.000Z');
    const logs: string[] = [];
    const options = { maxCreditMs: 86_400_000, log: (message: string) => logs.push(message) };
    const failing: Store = {
      ...store,
      rollups: {
        ...store.rollups,
        creditMinutesOnce: async () => {
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
    };
    await creditTenantStatusTime(store, 'flaky', new Date('2026-11-24T10:00:00Z'), options); // [10:00, 10:01)
    expect(await creditTenantStatusTime(failing, 'flaky', new Date('2026-11-24T10:05:00Z'), options)).toEqual({
      claimed: true,
      minutes: 0,
    });
    expect(logs).toEqual(['status minutes not credited']);
    await creditTenantStatusTime(store, 'flaky', new Date('2026-11-24T10:06:00Z'), options); // [10:06, 10:07)
    // [10:01, 10:06) was claimed by the failed run: lost, not credited by the next one.
    expect(await minutesOf(store, c)).toEqual([['2026-11-24', { operational: 2 }]]);
  });
});

describe('statusCreditor', () => {
  it('stops at the budget and resumes where it stopped, wrapping round so every tenant is reached', async () => {
    const created = '2026-11-24T09:00:00.000Z';
    const { store } = await createTestStore();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const components = [];
    for (const id of ids) components.push(await tenantWithComponent(store, id, created));
    const creditAll = statusCreditor({ store, concurrency: 1, maxCreditMs: 86_400_000, log: noLog, pageSize: 2 });
    const watermarks = () =>
      Promise.all(ids.map((id) => store.rollups.statusCredit(id).then((c) => c?.creditedUntil ?? null)));

    // A budget that runs out on its 5th look: page check, a, b, page check, then c is skipped.
    let looks = 0;
    expect(await creditAll(new Date('2026-11-24T10:00:00Z'), () => ++looks > 4)).toEqual({
      tenants: 2,
      minutes: 122,
    });
    expect(await watermarks()).toEqual(['2026-11-24T10:01:00.000Z', '2026-11-24T10:01:00.000Z', null, null, null]);

    // The next run starts at c, goes to the end, then wraps to a and b.
    expect(await creditAll(new Date('2026-11-24T10:10:00Z'), () => false)).toEqual({
      tenants: 5,
      minutes: 3 * 71 + 2 * 10,
    });
    expect(new Set(await watermarks())).toEqual(new Set(['2026-11-24T10:11:00.000Z']));
    for (const c of components) {
      expect(await minutesOf(store, c)).toEqual([['2026-11-24', { operational: 71 }]]);
    }

    // With no budget at all nothing is read or credited.
    expect(await creditAll(new Date('2026-11-24T10:20:00Z'), () => true)).toEqual({ tenants: 0, minutes: 0 });
  });
});
