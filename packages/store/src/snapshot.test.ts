import type { Maintenance, MaintenanceStatus } from '@upstate/core';
import { describe, expect, it } from 'vitest';
import { loadSnapshot, snapshotCompletedMaintenanceLimit } from './snapshot.ts';
import { createTestStore } from './testing.ts';

const now = new Date('2026-12-01T12:00:00.000Z');
const at = (hours: number) => new Date(now.getTime() + hours * 3600_000).toISOString();

describe('the publish snapshot holds every live maintenance, whatever its age', () => {
  it('150 maintenances created in mixed order: all scheduled/in progress/verifying, the latest completed', async () => {
    // Prepare: created in an order unrelated to their schedule; live ones are among the oldest created
    const { store } = await createTestStore({ now: () => now });
    await store.tenants.create({ id: 'tm', slug: 'tm', name: 'TM', timezone: 'UTC', createdAt: at(-5000) });
    const statuses: MaintenanceStatus[] = ['scheduled', 'in_progress', 'verifying', 'completed', 'completed'];
    const all: Maintenance[] = [];
    for (let i = 0; i < 150; i++) {
      const status = statuses[i % statuses.length] as MaintenanceStatus;
      // Scheduled ones lie ahead, the rest behind; the offset scrambles schedule against creation order.
      const start = status === 'scheduled' ? ((i * 37) % 150) + 1 : -(((i * 53) % 150) + 2);
      const m: Maintenance = {
        id: `m${String(i).padStart(3, '0')}`,
        tenantId: 'tm',
        name: `Maintenance ${i}`,
        status,
        impact: 'minor',
        componentIds: [],
        // Some with an offset, as older API versions stored them
        scheduledFor: i % 7 === 0 ? at(start).replace('Z', '+00:00') : at(start),
        scheduledUntil: at(start + 1),
        autoStart: false,
        autoComplete: false,
        createdAt: at(-3000 + i),
        updatedAt: at(-3000 + i),
        updates: [
          {
            id: `u${i}`,
            status,
            body: 'x',
            displayAt: at(-3000 + i),
            createdAt: at(-3000 + i),
            author: { kind: 'system', id: 's', label: 's' },
          },
        ],
        version: 1,
      };
      all.push(m);
    }
    // Live maintenances created first (the oldest), so a newest-created page would miss them
    const order = [...all].sort((a, b) => Number(a.status === 'completed') - Number(b.status === 'completed'));
    for (const [i, m] of order.entries()) await store.maintenances.create({ ...m, createdAt: at(-3000 + i) });

    // Act
    const snapshot = await loadSnapshot(store, 'tm', { now, baseUrl: 'http://tm.localhost' });

    // Assess
    const ids = new Set(snapshot.maintenances.map((m) => m.id));
    const live = all.filter((m) => m.status !== 'completed');
    expect(live).toHaveLength(90);
    for (const m of live) expect(ids.has(m.id), m.id).toBe(true);
    const completed = all
      .filter((m) => m.status === 'completed')
      .sort((a, b) => Date.parse(b.scheduledFor) - Date.parse(a.scheduledFor))
      .slice(0, snapshotCompletedMaintenanceLimit);
    for (const m of completed) expect(ids.has(m.id), m.id).toBe(true);
    // In schedule order, every time as a UTC instant
    const starts = snapshot.maintenances.map((m) => m.scheduledFor);
    expect(starts).toEqual([...starts].sort());
    for (const s of starts) expect(s).toMatch(/\.\d{3}Z$/);
  }, 60_000);
});
