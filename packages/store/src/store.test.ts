import { type Component, type Incident, type Monitor, newId, type Tenant } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from './snapshot.ts';
import type { Store } from './store.ts';
import { createTestStore } from './testing.ts';

let store: Store;
let clock = new Date('2026-11-20T12:00:00.000Z');
const now = () => clock;

const tenant = (id: string, slug = id): Tenant => ({
  id,
  slug,
  name: `Tenant ${id}`,
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
});

const fixture = fixtureSnapshot();
const component = (tenantId: string, i: number): Component => ({
  ...(fixture.components[i] as Component),
  tenantId,
});
const incident = (tenantId: string, id: string, status: Incident['status'] = 'investigating'): Incident => ({
  ...(fixture.incidents[0] as Incident),
  id,
  tenantId,
  status,
  version: 1,
});

beforeEach(async () => {
  clock = new Date('2026-11-20T12:00:00.000Z');
  ({ store } = await createTestStore({ now }));
});

describe('tenants', () => {
  it('finds a tenant by id and by slug, and refuses a taken slug naming the field', async () => {
    await store.tenants.create(tenant('t1', 'acme'));
    expect((await store.tenants.get('t1'))?.tenant.slug).toBe('acme');
    expect((await store.tenants.getBySlug('acme'))?.tenant.id).toBe('t1');
    expect(await store.tenants.getBySlug('nope')).toBeUndefined();
    await expect(store.tenants.create(tenant('t2', 'acme'))).rejects.toMatchObject({ code: 'conflict', field: 'slug' });
    expect(await store.tenants.get('t2')).toBeUndefined();
  });

  it('a concurrent conflicting update loses with a conflict and leaves no partial write', async () => {
    const created = await store.tenants.create(tenant('t1'));
    const a = store.tenants.update('t1', created.version, { branding: { ...created.branding, brandColor: '#111111' } });
    const b = store.tenants.update('t1', created.version, { branding: { ...created.branding, brandColor: '#222222' } });
    const results = await Promise.allSettled([a, b]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', status: 409 });
    const stored = await store.tenants.get('t1');
    const winner = (won[0] as PromiseFulfilledResult<{ branding: { brandColor: string } }>).value;
    expect(stored?.branding.brandColor).toBe(winner.branding.brandColor);
    expect(stored?.version).toBe(2);
  });
});

describe('publish state', () => {
  it('bumps contentVersion, lists stale tenants, and only lets publishedVersion grow', async () => {
    expect(await store.publish.bumpContentVersion('t1')).toBe(1);
    expect(await store.publish.bumpContentVersion('t1')).toBe(2);
    expect((await store.publish.listStale()).map((s) => s.tenantId)).toEqual(['t1']);
    expect(await store.publish.commitPublished('t1', 2)).toBe(true);
    expect(await store.publish.commitPublished('t1', 1)).toBe(false);
    expect(await store.publish.commitPublished('t1', 2)).toBe(false);
    expect(await store.publish.commitPublished('t1', 3)).toBe(false); // beyond contentVersion
    expect((await store.publish.get('t1')).publishedVersion).toBe(2);
    expect(await store.publish.listStale()).toEqual([]);
  });

  it('lists fresh changes first, then the tenants the reconciler retried least recently', async () => {
    // Prepare: three stale tenants on their own table
    const { store: own } = await createTestStore();
    for (const id of ['ta', 'tb', 'tc']) await own.publish.bumpContentVersion(id);
    const ids = async (limit: number) => (await own.publish.listStale(limit)).map((s) => s.tenantId);
    expect(await ids(2)).toEqual(['ta', 'tb']);
    // Act: the reconciler retries the first two
    await own.publish.markReconcileAttempt('ta');
    await own.publish.markReconcileAttempt('tb');
    // Assess: the one never retried comes first, so failing tenants cannot starve it
    expect(await ids(2)).toEqual(['tc', 'ta']);
    // Act: new content for tb, and a publish that catches ta up
    await own.publish.bumpContentVersion('tb');
    await own.publish.commitPublished('ta', 1);
    await own.publish.markReconcileAttempt('ta');
    // Assess: tb's change is fresh again; ta left the index and a late mark does not bring it back
    expect(await ids(10)).toEqual(['tb', 'tc']);
  });

  it('grants one lease at a time, lets it expire, and releases only for its owner', async () => {
    expect(await store.publish.acquireLease('t1', 'run-a', 30_000)).toBe(true);
    expect(await store.publish.acquireLease('t1', 'run-b', 30_000)).toBe(false);
    expect(await store.publish.releaseLease('t1', 'run-b')).toBe(false);
    clock = new Date(clock.getTime() + 31_000);
    expect(await store.publish.acquireLease('t1', 'run-b', 30_000)).toBe(true);
    expect(await store.publish.releaseLease('t1', 'run-a')).toBe(false);
    expect(await store.publish.releaseLease('t1', 'run-b')).toBe(true);
    expect((await store.publish.get('t1')).lease).toBeNull();
  });

  it('claims the day rollover once per tenant per day', async () => {
    const before = (await store.publish.get('t1')).contentVersion;
    expect(await store.publish.claimRollover('t1', '2026-11-20')).toBe(before + 1);
    expect(await store.publish.claimRollover('t1', '2026-11-20')).toBeNull();
    // The claim is the bump: even if nothing triggers a publish now, the reconciler sees it stale.
    expect((await store.publish.listStale()).map((s) => s.tenantId)).toContain('t1');
    expect(await store.publish.claimRollover('t1', '2026-11-21')).toBe(before + 2);
  });
});

describe('users, sessions and API keys', () => {
  it('finds a user by email (case-insensitive, unique)', async () => {
    await store.users.create({
      id: 'u1',
      tenantId: 't1',
      email: 'Ops@Example.com',
      passwordHash: 'x',
      createdAt: clock.toISOString(),
    });
    expect((await store.users.getByEmail('ops@example.com'))?.id).toBe('u1');
    await expect(
      store.users.create({
        id: 'u2',
        tenantId: 't2',
        email: 'ops@example.com',
        passwordHash: 'y',
        createdAt: clock.toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'email' });
  });

  it('expires sessions on read', async () => {
    await store.sessions.create('h1', {
      id: 's1',
      userId: 'u1',
      tenantId: 't1',
      email: 'a@b.co',
      csrfToken: 'c',
      createdAt: '',
      expiresAt: clock.getTime() / 1000 + 60,
    });
    expect((await store.sessions.get('h1'))?.userId).toBe('u1');
    clock = new Date(clock.getTime() + 61_000);
    expect(await store.sessions.get('h1')).toBeUndefined();
  });

  it('finds a key by hash, lists per tenant, and a revoked key stops authenticating', async () => {
    await store.apiKeys.create({
      id: 'k1',
      tenantId: 't1',
      name: 'CI',
      scopes: ['incidents'],
      prefix: 'up_abc',
      hash: 'hash1',
      createdAt: clock.toISOString(),
    });
    await store.apiKeys.create({
      id: 'k2',
      tenantId: 't2',
      name: 'Other',
      scopes: ['admin'],
      prefix: 'up_def',
      hash: 'hash2',
      createdAt: clock.toISOString(),
    });
    expect((await store.apiKeys.getByHash('hash1'))?.tenantId).toBe('t1');
    expect((await store.apiKeys.list('t1')).map((k) => k.id)).toEqual(['k1']);
    await expect(store.apiKeys.revoke('t1', 'k2')).rejects.toMatchObject({ code: 'not_found' });
    await store.apiKeys.revoke('t1', 'k1');
    expect(await store.apiKeys.getByHash('hash1')).toBeUndefined();
    expect(await store.apiKeys.getByHash('hash2')).toBeDefined();
  });
});

describe('components and groups', () => {
  it('lists a tenant’s components and groups in position order, never another tenant’s', async () => {
    for (const i of [2, 0, 1]) await store.components.create(component('t1', i));
    await store.components.create(component('t2', 3));
    for (const g of fixture.groups) await store.groups.create({ ...g, tenantId: 't1' });
    expect((await store.components.list('t1')).map((c) => c.id)).toEqual(['cmp-000', 'cmp-001', 'cmp-002']);
    expect((await store.groups.list('t1')).map((g) => g.id)).toEqual(['grp-core', 'grp-infra']);
    expect(await store.components.get('t2', 'cmp-000')).toBeUndefined();
    expect(await store.groups.list('t2')).toEqual([]);
  });

  it('sets status with an optimistic version check', async () => {
    const c = await store.components.create(component('t1', 0));
    const updated = await store.components.setStatus('t1', c.id, 'major_outage', 'manual', c.version);
    expect(updated).toMatchObject({ status: 'major_outage', version: 2 });
    await expect(store.components.setStatus('t1', c.id, 'operational', 'manual', 1)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(store.components.setStatus('t2', c.id, 'operational', 'manual')).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});

describe('incidents', () => {
  it('pages newest first with cursors bound to the tenant', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => newId(Date.parse('2026-11-01T00:00:00Z') + i * 1000));
    for (const id of ids) await store.incidents.create(incident('t1', id, 'resolved'));
    const first = await store.incidents.list('t1', { limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([ids[4], ids[3]]);
    expect(first.nextCursor).toBeTruthy();
    const second = await store.incidents.list('t1', { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    await expect(store.incidents.list('t2', { cursor: first.nextCursor })).rejects.toMatchObject({
      code: 'invalid_cursor',
      field: 'cursor',
    });
    await expect(store.incidents.list('t1', { cursor: `${first.nextCursor}x` })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });

  it("refuses another listing's cursor as invalid_cursor instead of handing DynamoDB a foreign start key", async () => {
    // Prepare: a full page of audit events and of maintenance, so both listings mint a cursor
    for (let i = 0; i < 3; i++) {
      await store.audit.append({
        tenantId: 'cx',
        author: { kind: 'api_key', id: 'k', label: 'k' },
        action: 'incident.created',
        target: { type: 'incident', id: `a${i}` },
        detail: {},
      });
    }
    const audit = await store.audit.list('cx', { limit: 1 });
    expect(audit.nextCursor).toBeTruthy();
    // Act + Assess: each other listing refuses it with the field named
    for (const list of [
      () => store.incidents.list('cx', { cursor: audit.nextCursor }),
      () => store.maintenances.list('cx', { cursor: audit.nextCursor }),
    ]) {
      await expect(list()).rejects.toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
    }
    expect((await store.audit.list('cx', { limit: 1, cursor: audit.nextCursor })).items).toHaveLength(1);
  });

  it('lists unresolved incidents via the sparse index, and resolving removes them', async () => {
    await store.incidents.create(incident('t1', 'open-1'));
    await store.incidents.create(incident('t1', 'done-1', 'resolved'));
    await store.incidents.create(incident('t2', 'open-2'));
    expect((await store.incidents.listUnresolved('t1')).map((i) => i.id)).toEqual(['open-1']);
    const open = await store.incidents.require('t1', 'open-1');
    await store.incidents.save({ ...open, status: 'resolved', version: open.version + 1 });
    expect(await store.incidents.listUnresolved('t1')).toEqual([]);
  });

  it('a concurrent conflicting update loses and leaves no partial write', async () => {
    const created = await store.incidents.create(incident('t1', 'i1'));
    const base = created.updates[0] as Incident['updates'][number];
    const next = (body: string): Incident => ({
      ...created,
      updates: [...created.updates, { ...base, id: body, body }],
      version: 2,
    });
    const results = await Promise.allSettled([
      store.incidents.save(next('first')),
      store.incidents.save(next('second')),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const stored = await store.incidents.require('t1', 'i1');
    expect(stored.updates).toHaveLength(created.updates.length + 1);
    expect(stored.version).toBe(2);
  });

  it('refuses a timeline past the item size limit with a 4xx', async () => {
    const created = await store.incidents.create(incident('t1', 'big'));
    const base = created.updates[0] as Incident['updates'][number];
    const updates = Array.from({ length: 20 }, (_, i) => ({ ...base, id: `u${i}`, body: 'x'.repeat(19_000) }));
    await expect(store.incidents.save({ ...created, updates, version: 2 })).rejects.toMatchObject({
      code: 'too_large',
      status: 422,
    });
    expect((await store.incidents.require('t1', 'big')).version).toBe(1);
  });
});

describe('maintenance', () => {
  it('lists upcoming and active maintenance from the live index', async () => {
    const m = fixture.maintenances[0];
    if (!m) throw new Error('fixture');
    await store.maintenances.create({ ...m, tenantId: 't1', id: 'up' });
    await store.maintenances.create({ ...m, tenantId: 't1', id: 'active', status: 'in_progress' });
    await store.maintenances.create({ ...m, tenantId: 't1', id: 'done', status: 'completed' });
    expect((await store.maintenances.listUpcoming('t1', clock)).map((x) => x.id)).toEqual(['up']);
    expect((await store.maintenances.listActive('t1')).map((x) => x.id)).toEqual(['active']);
    expect(await store.maintenances.listLive('t2')).toEqual([]);
  });
});

describe('custom domains', () => {
  const domain = (tenantId: string, name: string) => ({
    tenantId,
    domain: name,
    status: 'pending' as const,
    txtRecordName: `_upstate-challenge.${name}`,
    txtRecordValue: 'token',
    createdAt: clock.toISOString(),
    verifiedAt: null,
    lastCheckedAt: null,
  });

  it('routes a domain only once verified, and one tenant cannot claim another’s', async () => {
    await store.domains.add(domain('t1', 'status.acme.com'));
    expect(await store.domains.getVerifiedByDomain('status.acme.com')).toBeUndefined();
    await expect(store.domains.verify('t2', 'status.acme.com')).rejects.toMatchObject({ code: 'not_found' });
    await store.domains.verify('t1', 'status.acme.com');
    expect((await store.domains.getVerifiedByDomain('status.acme.com'))?.tenantId).toBe('t1');
    await expect(store.domains.add(domain('t2', 'status.acme.com'))).rejects.toMatchObject({
      code: 'conflict',
      field: 'domain',
    });
    expect((await store.domains.list('t1')).map((d) => d.domain)).toEqual(['status.acme.com']);
    expect(await store.domains.list('t2')).toEqual([]);
    await expect(store.domains.remove('t2', 'status.acme.com')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps pending claims per tenant: the first to verify wins and the other claims are dropped', async () => {
    // Prepare: a squatter claims first, the real owner second
    await store.domains.add(domain('squatter', 'status.real.com'));
    await store.domains.add(domain('owner', 'status.real.com'));
    await expect(store.domains.add(domain('owner', 'status.real.com'))).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.domains.list('squatter')).map((d) => d.status)).toEqual(['pending']);
    // Act
    const verified = await store.domains.verify('owner', 'status.real.com');
    // Assess
    expect(verified).toMatchObject({ tenantId: 'owner', status: 'verified' });
    expect((await store.domains.getVerifiedByDomain('status.real.com'))?.tenantId).toBe('owner');
    expect(await store.domains.list('squatter')).toEqual([]);
    expect((await store.domains.list('owner')).map((d) => d.status)).toEqual(['verified']);
    await expect(store.domains.verify('squatter', 'status.real.com')).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.domains.remove('owner', 'status.real.com')).toEqual({ wasVerified: true });
    expect(await store.domains.getVerifiedByDomain('status.real.com')).toBeUndefined();
  });
});

describe('audit, idempotency and rate limits', () => {
  it('appends audit events and pages them newest first', async () => {
    const author = { kind: 'api_key' as const, id: 'k1', label: 'CI' };
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 1000);
      await store.audit.append({
        tenantId: 't1',
        author,
        action: 'incident.updated',
        target: { type: 'incident', id: `i${i}` },
        detail: {},
      });
    }
    const page = await store.audit.list('t1', { limit: 2 });
    expect(page.items.map((e) => e.target.id)).toEqual(['i2', 'i1']);
    expect((await store.audit.list('t1', { cursor: page.nextCursor })).items.map((e) => e.target.id)).toEqual(['i0']);
    expect((await store.audit.list('t2')).items).toEqual([]);
  });

  it('returns the first response for a repeated key and expires records after 24 hours', async () => {
    expect(await store.idempotency.claim('t1', 'key-1', 'fp', 'op-1')).toEqual({
      owned: true,
      operationId: 'op-1',
      resumed: false,
    });
    await store.idempotency.complete('t1', 'key-1', { status: 201, body: '{"id":1}', contentType: 'application/json' });
    expect(await store.idempotency.claim('t1', 'key-1', 'fp', 'op-2')).toMatchObject({
      owned: false,
      record: { state: 'done', status: 201, body: '{"id":1}' },
    });
    await expect(store.idempotency.claim('t1', 'key-1', 'other', 'op-3')).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    expect(await store.idempotency.claim('t2', 'key-1', 'fp', 'op-4')).toEqual({
      owned: true,
      operationId: 'op-4',
      resumed: false,
    });
    clock = new Date(clock.getTime() + 24 * 3600_000 + 1000);
    expect(await store.idempotency.claim('t1', 'key-1', 'fp', 'op-5')).toEqual({
      owned: true,
      operationId: 'op-5',
      resumed: false,
    });
  });

  it('hands a failed request’s key back with its operation id, so the retry finishes that operation', async () => {
    expect(await store.idempotency.claim('t1', 'key-f', 'fp', 'op-a')).toMatchObject({ owned: true });
    expect(await store.idempotency.claim('t1', 'key-f', 'fp', 'op-b')).toMatchObject({
      owned: false,
      record: { state: 'pending' },
    });
    await store.idempotency.release('t1', 'key-f');
    expect(await store.idempotency.claim('t1', 'key-f', 'fp', 'op-c')).toEqual({
      owned: true,
      operationId: 'op-a',
      resumed: true,
    });
    // Taken again: a concurrent second retry waits for it like any request in progress.
    expect(await store.idempotency.claim('t1', 'key-f', 'fp', 'op-d')).toMatchObject({ owned: false });
    // ...unless that attempt died without answering: after a minute its retry takes over, same operation.
    clock = new Date(clock.getTime() + 61_000);
    expect(await store.idempotency.claim('t1', 'key-f', 'fp', 'op-e')).toEqual({
      owned: true,
      operationId: 'op-a',
      resumed: true,
    });
  });

  it('settles a write abandoned mid-way: the reconciler sees the tenant and a bump publishes what it stored', async () => {
    await store.publish.bumpContentVersion('t-ab');
    await store.publish.commitPublished('t-ab', 1);
    expect(await store.publish.listStale()).toEqual([]);
    await store.publish.beginWrite('t-ab', 'op-crashed');
    await store.publish.beginWrite('t-ab', 'op-live');
    // In flight, not yet abandoned: listed nowhere as stale, but kept in the index.
    expect((await store.publish.listStale()).map((s) => s.tenantId)).toEqual([]);
    clock = new Date(clock.getTime() + 61_000);
    const stale = await store.publish.listStale();
    expect(stale.map((s) => [s.tenantId, s.contentVersion, s.pendingSince])).toEqual([['t-ab', 2, null]]);
    // A late end of a settled write still bumps (its data must reach the page), never fails.
    expect(await store.publish.endWrite('t-ab', 'op-live', true)).toBe(3);
    expect(await store.publish.commitPublished('t-ab', 3)).toBe(true);
    expect(await store.publish.listStale()).toEqual([]);
  });

  it("records an abandoned delete's audit event when it settles, only if the target is gone", async () => {
    const at = clock.toISOString();
    const component = (id: string) => ({
      id,
      tenantId: 't-del',
      groupId: null,
      name: id,
      description: null,
      position: 0,
      status: 'operational' as const,
      statusSource: 'manual' as const,
      onlyShowIfDegraded: false,
      showUptime: true,
      startDate: at.slice(0, 10),
      createdAt: at,
      updatedAt: at,
    });
    const event = (id: string) => ({
      id: `audit-${id}`,
      tenantId: 't-del',
      at,
      author: { kind: 'api_key' as const, id: 'k', label: 'CI' },
      action: 'component.deleted',
      target: { type: 'component', id },
      detail: {},
    });
    await store.components.create(component('kept'));
    await store.components.create(component('gone'));
    await store.components.create(component('ended'));
    // Two writers die after their markers, one before its delete and one after; a third ends normally.
    await store.publish.beginWrite('t-del', 'op-kept', event('kept'));
    await store.publish.beginWrite('t-del', 'op-gone', event('gone'));
    await store.components.delete('t-del', 'gone');
    await store.publish.beginWrite('t-del', 'op-ended', event('ended'));
    await store.components.delete('t-del', 'ended');
    await store.publish.endWrite('t-del', 'op-ended', true);
    clock = new Date(clock.getTime() + 61_000);
    await store.publish.listStale();
    await store.publish.listStale();
    const actions = (await store.audit.list('t-del')).items.map((e) => `${e.action} ${e.target.id}`);
    expect(actions).toEqual(['component.deleted gone']);
    expect((await store.publish.get('t-del')).pendingSince).toBeNull();
  });

  it('keeps a tenant with a write in flight in the stale index across a publish', async () => {
    await store.publish.beginWrite('t-fl', 'op-1');
    const v = await store.publish.bumpContentVersion('t-fl');
    expect(await store.publish.commitPublished('t-fl', v)).toBe(true);
    clock = new Date(clock.getTime() + 61_000);
    expect((await store.publish.listStale()).map((s) => s.tenantId)).toEqual(['t-fl']);
  });

  it('counts requests per key per minute across callers', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => store.rateLimits.hit('k1', 5)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.find((r) => !r.allowed)?.retryAfter).toBeGreaterThan(0);
    clock = new Date(clock.getTime() + 60_000);
    expect((await store.rateLimits.hit('k1', 5)).allowed).toBe(true);
  });
});

describe('monitors, checks and rollups', () => {
  const monitor = (tenantId: string, id: string, nextRunAt: string, paused = false): Monitor => ({
    id,
    tenantId,
    componentId: 'cmp-000',
    name: id,
    config: { kind: 'heartbeat', graceSeconds: 60 },
    intervalSeconds: 60,
    failureThreshold: 3,
    recoveryThreshold: 2,
    paused,
    nextRunAt,
    lastResult: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastHeartbeatAt: null,
    createdAt: clock.toISOString(),
    updatedAt: clock.toISOString(),
    version: 1,
  });

  it('lists monitors due to run across tenants and shards, skipping paused and future ones', async () => {
    await store.monitors.create(monitor('t1', 'm1', '2026-11-20T11:59:00.000Z'));
    await store.monitors.create(monitor('t2', 'm2', '2026-11-20T11:58:00.000Z'));
    await store.monitors.create(monitor('t1', 'm3', '2026-11-20T12:05:00.000Z'));
    await store.monitors.create(monitor('t1', 'm4', '2026-11-20T11:00:00.000Z', true), 'tokenhash');
    expect((await store.monitors.listDue(clock)).map((m) => m.id)).toEqual(['m2', 'm1']);
    expect((await store.monitors.getByHeartbeatHash('tokenhash'))?.id).toBe('m4');
    expect((await store.monitors.list('t1')).map((m) => m.id).sort()).toEqual(['m1', 'm3', 'm4']);
  });

  it('stores check results by time with a ~100 day TTL', async () => {
    for (const at of ['2026-11-20T11:00:00.000Z', '2026-11-20T11:01:00.000Z']) {
      await store.checks.record({
        tenantId: 't1',
        monitorId: 'm1',
        componentId: 'c',
        at,
        result: 'up',
        latencyMs: 12,
        statusCode: 200,
        error: null,
      });
    }
    const results = await store.checks.list('t1', 'm1', { from: '2026-11-20T11:00:30.000Z' });
    expect(results.map((r) => r.at)).toEqual(['2026-11-20T11:01:00.000Z']);
    expect(await store.checks.list('t2', 'm1')).toEqual([]);
  });

  it('adds rollup minutes atomically under concurrency and lists by day', async () => {
    await Promise.all(
      Array.from({ length: 10 }, () => store.rollups.addMinutes('t1', 'c1', '2026-11-20', 'operational', 1)),
    );
    await store.rollups.addMinutes('t1', 'c1', '2026-11-20', 'major_outage', 3);
    await store.rollups.addMinutes('t1', 'c1', '2026-11-19', 'operational', 1440);
    const rows = await store.rollups.list('t1', 'c1', '2026-11-19', '2026-11-20');
    expect(rows).toEqual([
      { componentId: 'c1', day: '2026-11-19', minutes: { operational: 1440 } },
      { componentId: 'c1', day: '2026-11-20', minutes: { operational: 10, major_outage: 3 } },
    ]);
  });
});

describe('status-time credit', () => {
  it('claims a tenant’s watermark once per span, forward only, and per tenant', async () => {
    const at = (creditedUntil: string, monitoredUntil: Record<string, string> = {}) => ({
      creditedUntil,
      monitoredUntil,
    });
    expect(await store.rollups.statusCredit('t1')).toBeNull();
    const first = await Promise.all([
      store.rollups.claimStatusCredit('t1', null, at('2026-11-20T12:00:00.000Z')),
      store.rollups.claimStatusCredit('t1', null, at('2026-11-20T12:00:00.000Z')),
    ]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await store.rollups.claimStatusCredit('t1', null, at('2026-11-20T12:01:00.000Z'))).toBe(false);
    expect(
      await store.rollups.claimStatusCredit('t1', '2026-11-20T11:00:00.000Z', at('2026-11-20T12:01:00.000Z')),
    ).toBe(false);
    expect(
      await store.rollups.claimStatusCredit('t1', '2026-11-20T12:00:00.000Z', at('2026-11-20T12:00:00.000Z')),
    ).toBe(false);
    const next = at('2026-11-20T12:01:00.000Z', { c1: '2026-11-20T12:05:00.000Z' });
    expect(await store.rollups.claimStatusCredit('t1', '2026-11-20T12:00:00.000Z', next)).toBe(true);
    expect(await store.rollups.statusCredit('t1')).toEqual(next);
    expect(await store.rollups.statusCredit('t2')).toBeNull();
  });

  it('credits a component-day once per watermark, on a new or an existing rollup, beside plain minutes', async () => {
    const until = '2026-11-20T12:00:00.000Z';
    const credits = await Promise.all(
      Array.from({ length: 5 }, () =>
        store.rollups.creditMinutesOnce('t1', 'c1', '2026-11-20', 'partial_outage', 120, until),
      ),
    );
    expect(credits.filter(Boolean)).toHaveLength(1);
    // A replay of the same or an older credit is refused; a later one adds.
    expect(await store.rollups.creditMinutesOnce('t1', 'c1', '2026-11-20', 'partial_outage', 120, until)).toBe(false);
    expect(
      await store.rollups.creditMinutesOnce('t1', 'c1', '2026-11-20', 'operational', 9, '2026-11-20T11:00:00.000Z'),
    ).toBe(false);
    expect(
      await store.rollups.creditMinutesOnce('t1', 'c1', '2026-11-20', 'operational', 1, '2026-11-20T12:01:00.000Z'),
    ).toBe(true);
    await store.rollups.addMinutes('t1', 'c1', '2026-11-20', 'operational', 2);
    // An item the monitor path created takes a credit too.
    await store.rollups.addMinutes('t1', 'c2', '2026-11-20', 'operational', 5);
    expect(await store.rollups.creditMinutesOnce('t1', 'c2', '2026-11-20', 'major_outage', 3, until)).toBe(true);
    expect(await store.rollups.list('t1', 'c1', '2026-11-20', '2026-11-20')).toEqual([
      { componentId: 'c1', day: '2026-11-20', minutes: { partial_outage: 120, operational: 3 } },
    ]);
    expect(await store.rollups.list('t1', 'c2', '2026-11-20', '2026-11-20')).toEqual([
      { componentId: 'c2', day: '2026-11-20', minutes: { operational: 5, major_outage: 3 } },
    ]);
  });

  it('pages the tenant directory in id order', async () => {
    for (const id of ['t3', 't1', 't2']) await store.tenants.create(tenant(id));
    const first = await store.tenants.listIdsPage(null, 2);
    expect(first.ids).toEqual(['t1', 't2']);
    expect(first.more).toBe(true);
    const rest = await store.tenants.listIdsPage('t2', 2);
    expect(rest).toEqual({ ids: ['t3'], more: false });
    expect((await store.tenants.listIdsPage('t3', 2)).ids).toEqual([]);
  });
});

describe('snapshot', () => {
  it('loads everything a publish needs for one tenant only', async () => {
    await store.tenants.create(tenant('t1'));
    await store.tenants.create(tenant('t2'));
    await store.components.create(component('t1', 0));
    await store.components.create(component('t2', 1));
    await store.incidents.create(incident('t1', 'i1'));
    await store.rollups.addMinutes('t1', 'cmp-000', '2026-11-20', 'operational', 60);
    await store.publish.bumpContentVersion('t1');
    const snap = await loadSnapshot(store, 't1', { now: clock, baseUrl: 'http://t1.localhost:8080' });
    expect(snap.components.map((c) => c.id)).toEqual(['cmp-000']);
    expect(snap.incidents.map((i) => i.id)).toEqual(['i1']);
    expect(snap.rollups).toHaveLength(1);
    expect(snap.contentVersion).toBe(1);
    expect(snap.components[0]).not.toHaveProperty('version');
  });
});
