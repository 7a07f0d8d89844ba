import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from '../testing.ts';

// A component's status set through the API is recorded as the change its notification announces
// (issue 15 item 2); `notify: false` records it as one that tells nobody.

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('component-changes');
});

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('component status changes through the API', () => {
  it('records the old and new status, holds and folds quick later changes, and keeps notify off when sent', async () => {
    const created = await json(await t.call(tenant, 'POST', '/v1/components', { name: 'API' }));
    const path = `/v1/components/${created.id}`;
    const first = await json(await t.call(tenant, 'PATCH', path, { status: 'major_outage' }));
    // The first change after a quiet spell leads: it goes out as soon as the page shows it.
    expect(first.statusChange).toMatchObject({
      oldStatus: 'operational',
      newStatus: 'major_outage',
      leading: true,
      notify: true,
    });
    // Within the quiet window: held, from the status subscribers heard of last.
    const second = await json(await t.call(tenant, 'PATCH', path, { status: 'degraded_performance' }));
    expect(second.statusChange).toMatchObject({
      oldStatus: 'major_outage',
      newStatus: 'degraded_performance',
      leading: false,
    });
    // And a third folds into the held one: one message for the net change.
    const quiet = await json(await t.call(tenant, 'PATCH', path, { status: 'partial_outage', notify: false }));
    expect(quiet.statusChange).toMatchObject({
      oldStatus: 'major_outage',
      newStatus: 'partial_outage',
      since: (second.statusChange as { since: string }).since,
      notify: false,
    });
    // A rename is no status change: the recorded change stays as it was.
    const renamed = await json(await t.call(tenant, 'PATCH', path, { name: 'Public API' }));
    expect(renamed.statusChange).toEqual(quiet.statusChange);
  });

  it('refuses a notify that is not a boolean, naming it', async () => {
    const created = await json(await t.call(tenant, 'POST', '/v1/components', { name: 'Web' }));
    const res = await t.call(tenant, 'PATCH', `/v1/components/${created.id}`, { status: 'major_outage', notify: 'no' });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'validation_failed', field: 'notify' });
    for (const [path, body] of [
      ['/v1/incidents', { name: 'X', impact: 'minor', body: 'x', notify: 1 }],
      [
        '/v1/maintenances',
        {
          name: 'X',
          scheduledFor: '2031-01-01T00:00:00Z',
          scheduledUntil: '2031-01-01T01:00:00Z',
          body: 'x',
          notify: 'false',
        },
      ],
    ] as const) {
      const refused = await t.call(tenant, 'POST', path, body);
      expect(refused.status).toBe(400);
      expect((await json(refused)).error).toMatchObject({ field: 'notify' });
    }
    expect((await json(await t.call(tenant, 'GET', '/v1/incidents'))).data).toEqual([]);
  });
});
