import { describe, expect, it } from 'vitest';
import { createTestApp } from './testing.ts';

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('times the API accepts are stored as UTC instants', () => {
  it('normalises +05:30 and -08:00 in incident and maintenance times to …sssZ', async () => {
    const t = await createTestApp();
    const acme = await t.signup();
    const incident = await json(
      await t.call(acme, 'POST', '/v1/incidents', {
        name: 'Outage',
        impact: 'major',
        body: 'Down',
        displayAt: '2026-12-01T10:00:00+05:30',
      }),
    );
    const updated = await json(
      await t.call(acme, 'POST', `/v1/incidents/${incident.id}/updates`, {
        status: 'identified',
        body: 'Found',
        displayAt: '2026-12-01T01:00:00-08:00',
      }),
    );
    expect(updated.updates.map((u: { displayAt: string }) => u.displayAt)).toEqual([
      '2026-12-01T04:30:00.000Z',
      '2026-12-01T09:00:00.000Z',
    ]);
    const m = await json(
      await t.call(acme, 'POST', '/v1/maintenances', {
        name: 'Upgrade',
        scheduledFor: '2030-01-01T10:00:00+05:30',
        scheduledUntil: '2030-01-01T01:00:00-08:00',
        body: 'Planned',
      }),
    );
    expect([m.scheduledFor, m.scheduledUntil]).toEqual(['2030-01-01T04:30:00.000Z', '2030-01-01T09:00:00.000Z']);
    // An offset that looks later as text but is earlier as an instant is refused as a window
    const inverted = await t.call(acme, 'POST', '/v1/maintenances', {
      name: 'Backwards',
      scheduledFor: '2030-01-01T01:00:00-08:00',
      scheduledUntil: '2030-01-01T10:00:00+05:30',
      body: 'x',
    });
    expect(inverted.status).toBe(400);
    expect((await json(inverted)).error.field).toBe('scheduledUntil');
  });
});
