import { beforeAll, describe, expect, it } from 'vitest';
import { principalId, requestFingerprint } from './idempotency.ts';
import { createTestApp, type TestTenant } from './testing.ts';

// Issue 14 item 6: a replay is answered only to the principal that made the request, and only
// after that principal passes the route's scope check.

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: TestTenant;
let reader: TestTenant;
let readerId = '';

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signup('idem-owner');
  const created = (await (
    await t.call(admin, 'POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })
  ).json()) as { key: string; id: string };
  reader = { ...admin, key: created.key };
  readerId = created.id;
});

describe('Idempotency-Key across principals', () => {
  it("never replays an admin's 201 to a read-only key that reuses its key and body", async () => {
    // Prepare
    const body = { name: 'Admin incident', impact: 'minor', body: 'by the admin' };
    const headers = { 'idempotency-key': 'shared-key-1' };
    const first = await t.call(admin, 'POST', '/v1/incidents', body, headers);
    expect(first.status).toBe(201);
    // Act
    const stolen = await t.call(reader, 'POST', '/v1/incidents', body, headers);
    // Assess
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get('idempotent-replayed')).toBeNull();
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it("cannot pre-claim a key so that another principal's request gets the stored 403", async () => {
    // Prepare: the reader goes first with the key the admin will use
    const body = { name: 'Second incident', impact: 'minor', body: 'admin retries' };
    const headers = { 'idempotency-key': 'shared-key-2' };
    expect((await t.call(reader, 'POST', '/v1/incidents', body, headers)).status).toBe(403);
    // Act
    const real = await t.call(admin, 'POST', '/v1/incidents', body, headers);
    const retry = await t.call(admin, 'POST', '/v1/incidents', body, headers);
    // Assess: the admin's request runs, and its retry replays the admin's own answer
    expect(real.status).toBe(201);
    expect(real.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('re-checks the scope a stored record demanded before replaying it, even to its own principal', async () => {
    // Prepare: a done record under the reader's own key space for a route that demanded "components"
    // (as if the key had that scope when it first asked)
    const body = JSON.stringify({ name: 'Scoped' });
    const who = { tenantId: reader.tenantId, author: { kind: 'api_key' as const, id: readerId } };
    const key = 'scoped-record';
    const fingerprint = requestFingerprint(who, 'POST', '/v1/components', body);
    expect(await t.store.idempotency.claim(principalId(who), key, fingerprint, 'op-1')).toMatchObject({ owned: true });
    await t.store.idempotency.complete(principalId(who), key, {
      status: 201,
      body: '{"id":"cmp_stored"}',
      contentType: 'application/json',
      scope: 'components',
    });
    // Act
    const replay = await t.call(reader, 'POST', '/v1/components', body, { 'idempotency-key': key });
    // Assess
    expect(replay.status).toBe(403);
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
  });
});
