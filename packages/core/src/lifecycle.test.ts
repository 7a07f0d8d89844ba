import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import {
  appendIncidentUpdate,
  applyMaintenanceAutoTransitions,
  assertIncidentTransition,
  assertMaintenanceTransition,
  correctIncidentUpdate,
  createIncident,
  effectiveComponentStatuses,
  publicTimeline,
  reopenIncident,
  resolveIncident,
} from './lifecycle.ts';
import type { Author, ComponentStatus, Maintenance } from './schemas.ts';

const author: Author = { kind: 'api_key', id: 'key-1', label: 'CI key' };
const at = (iso: string) => new Date(iso);
const components = (
  entries: [string, ComponentStatus][] = [
    ['api', 'operational'],
    ['web', 'operational'],
  ],
) => new Map(entries);

function openIncident() {
  return createIncident(
    'tenant-1',
    {
      name: 'API errors',
      impact: 'major',
      body: 'Looking into it',
      components: [{ componentId: 'api', status: 'major_outage' }],
    },
    { author, now: at('2026-01-01T10:00:00Z'), components: components() },
  );
}

describe('incident lifecycle', () => {
  it('creates an incident with its first update and the component change old → new', () => {
    const { incident, changes } = openIncident();
    expect(incident.status).toBe('investigating');
    expect(incident.updates).toHaveLength(1);
    expect(changes).toEqual([{ componentId: 'api', oldStatus: 'operational', newStatus: 'major_outage' }]);
    expect(incident.updates[0]?.componentChanges).toEqual(changes);
    expect(incident.updates[0]?.author).toEqual(author);
  });

  it('walks investigating → identified → monitoring → resolved, appending and timestamping each step', () => {
    let { incident } = openIncident();
    const current = components([
      ['api', 'major_outage'],
      ['web', 'operational'],
    ]);
    const steps = ['identified', 'monitoring'] as const;
    steps.forEach((status, i) => {
      incident = appendIncidentUpdate(
        incident,
        { status, body: `step ${status}` },
        { author, now: at(`2026-01-01T1${i + 1}:00:00Z`), components: current },
      ).incident;
    });
    const resolved = resolveIncident(incident, {}, { author, now: at('2026-01-01T13:00:00Z'), components: current });
    expect(resolved.incident.status).toBe('resolved');
    expect(resolved.incident.resolvedAt).toBe('2026-01-01T13:00:00.000Z');
    expect(resolved.incident.updates.map((u) => u.status)).toEqual([
      'investigating',
      'identified',
      'monitoring',
      'resolved',
    ]);
    expect(resolved.incident.updates.map((u) => u.createdAt)).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T13:00:00.000Z',
    ]);
    // Resolving brings affected components back to operational by default.
    expect(resolved.changes).toEqual([{ componentId: 'api', oldStatus: 'major_outage', newStatus: 'operational' }]);
    expect(resolved.incident.version).toBe(4);
  });

  it('refuses to leave resolved except to postmortem, and says to reopen', () => {
    expect(() => assertIncidentTransition('resolved', 'investigating')).toThrowError(/Reopen/);
    expect(() => assertIncidentTransition('postmortem', 'monitoring')).toThrowError(AppError);
    expect(() => assertIncidentTransition('resolved', 'postmortem')).not.toThrow();
    expect(() => assertIncidentTransition('monitoring', 'investigating')).not.toThrow();
    try {
      assertIncidentTransition('resolved', 'identified');
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_transition', field: 'status', status: 409 });
    }
  });

  it('cannot start an incident in postmortem', () => {
    expect(() =>
      createIncident(
        't',
        { name: 'x', impact: 'none', status: 'postmortem', body: 'b' },
        { author, now: new Date(), components: components() },
      ),
    ).toThrowError(/postmortem/);
  });

  it('reopens a resolved incident as a new entry and clears resolvedAt', () => {
    const { incident } = openIncident();
    const ctx = { author, now: at('2026-01-01T12:00:00Z'), components: components([['api', 'major_outage']]) };
    const resolved = resolveIncident(incident, {}, ctx).incident;
    const reopened = reopenIncident(resolved, { body: 'Errors are back', status: 'identified' }, ctx).incident;
    expect(reopened.status).toBe('identified');
    expect(reopened.resolvedAt).toBeNull();
    expect(reopened.updates).toHaveLength(3);
    expect(() => reopenIncident(reopened, { body: 'again' }, ctx)).toThrowError(/not resolved/);
    expect(() => reopenIncident(resolved, { body: 'x', status: 'resolved' }, ctx)).toThrowError(AppError);
  });

  it('rejects unknown and duplicated components with the offending field', () => {
    const ctx = { author, now: new Date(), components: components() };
    expect(() =>
      createIncident(
        't',
        { name: 'x', impact: 'minor', body: 'b', components: [{ componentId: 'nope', status: 'major_outage' }] },
        ctx,
      ),
    ).toThrowError(expect.objectContaining({ field: 'components.0.componentId' }));
    expect(() =>
      createIncident(
        't',
        {
          name: 'x',
          impact: 'minor',
          body: 'b',
          components: [
            { componentId: 'api', status: 'major_outage' },
            { componentId: 'api', status: 'partial_outage' },
          ],
        },
        ctx,
      ),
    ).toThrowError(expect.objectContaining({ field: 'components.1.componentId' }));
  });

  it('corrects an update by appending a correction; the original stays and readers see the new text', () => {
    const { incident } = openIncident();
    const original = incident.updates[0];
    if (!original) throw new Error('fixture');
    const corrected = correctIncidentUpdate(incident, original.id, 'Looking into elevated errors', {
      author,
      now: at('2026-01-01T10:05:00Z'),
    });
    expect(corrected.updates).toHaveLength(2);
    expect(corrected.updates[0]).toEqual(original);
    expect(corrected.updates[1]).toMatchObject({ kind: 'correction', correctsUpdateId: original.id });
    const timeline = publicTimeline(corrected);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]?.body).toBe('Looking into elevated errors');
    expect(() => correctIncidentUpdate(incident, 'missing', 'x', { author, now: new Date() })).toThrowError(
      /not found/,
    );
  });
});

const maintenance = (over: Partial<Maintenance> = {}): Maintenance => ({
  id: 'm1',
  tenantId: 't',
  name: 'Upgrade',
  status: 'scheduled',
  impact: 'minor',
  componentIds: ['api'],
  scheduledFor: '2026-02-01T10:00:00.000Z',
  scheduledUntil: '2026-02-01T12:00:00.000Z',
  autoStart: true,
  autoComplete: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updates: [
    {
      id: 'u1',
      status: 'scheduled',
      body: 'Planned',
      displayAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      author,
    },
  ],
  version: 1,
  ...over,
});

describe('scheduled maintenance', () => {
  it('starts and completes automatically at the scheduled times, appending system updates', () => {
    expect(applyMaintenanceAutoTransitions(maintenance(), at('2026-02-01T09:59:59Z')).status).toBe('scheduled');
    const started = applyMaintenanceAutoTransitions(maintenance(), at('2026-02-01T10:00:00Z'));
    expect(started.status).toBe('in_progress');
    expect(started.updates.at(-1)).toMatchObject({ status: 'in_progress', author: { kind: 'system' } });
    const done = applyMaintenanceAutoTransitions(started, at('2026-02-01T12:00:00Z'));
    expect(done.status).toBe('completed');
    // Both steps at once when the window already passed.
    const late = applyMaintenanceAutoTransitions(maintenance(), at('2026-02-02T00:00:00Z'));
    expect(late.updates.map((u) => u.status)).toEqual(['scheduled', 'in_progress', 'completed']);
  });

  it('does not auto-start when autoStart is off', () => {
    expect(applyMaintenanceAutoTransitions(maintenance({ autoStart: false }), at('2026-02-01T11:00:00Z')).status).toBe(
      'scheduled',
    );
  });

  it('only moves forward', () => {
    expect(() => assertMaintenanceTransition('in_progress', 'scheduled')).toThrowError(AppError);
    expect(() => assertMaintenanceTransition('completed', 'completed')).toThrowError(AppError);
    expect(() => assertMaintenanceTransition('scheduled', 'completed')).not.toThrow();
  });

  it('shows components in active maintenance as under_maintenance, but never hides an outage', () => {
    const now = at('2026-02-01T11:00:00Z');
    const statuses = effectiveComponentStatuses(
      [
        { id: 'api', status: 'operational' },
        { id: 'web', status: 'operational' },
      ],
      [maintenance()],
      now,
    );
    expect(statuses.get('api')).toBe('under_maintenance');
    expect(statuses.get('web')).toBe('operational');
    const outage = effectiveComponentStatuses([{ id: 'api', status: 'major_outage' }], [maintenance()], now);
    expect(outage.get('api')).toBe('major_outage');
  });
});
