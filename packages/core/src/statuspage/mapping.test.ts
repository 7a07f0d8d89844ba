import { describe, expect, it } from 'vitest';
import { fixtureSnapshot } from '../fixtures.ts';
import { statuspageV2Files, summaryJson } from './mapping.ts';
import { v2Endpoints } from './shapes.ts';

describe('Statuspage v2 mapping', () => {
  const snapshot = fixtureSnapshot();
  const files = statuspageV2Files(snapshot);

  it.each(Object.keys(v2Endpoints) as (keyof typeof v2Endpoints)[])('%s matches the Statuspage shape', (path) => {
    const parsed = v2Endpoints[path].safeParse(files[path]);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('summary holds only unresolved incidents and only upcoming or active maintenance', () => {
    const summary = summaryJson(snapshot);
    expect(summary.incidents.map((i) => i.id).sort()).toEqual(['inc-active-0', 'inc-active-1', 'inc-active-2']);
    expect(summary.incidents.every((i) => i.status !== 'resolved')).toBe(true);
    expect(summary.scheduled_maintenances.map((m) => m.id)).toEqual(['mnt-upcoming']);
    const done = fixtureSnapshot();
    const first = done.maintenances[0];
    if (!first) throw new Error('fixture');
    done.maintenances = [{ ...first, status: 'completed' }];
    expect(summaryJson(done).scheduled_maintenances).toEqual([]);
  });

  it('lists groups as components with group: true and their children ids; children point back', () => {
    const { components } = summaryJson(snapshot);
    const group = components.find((c) => c.id === 'grp-core');
    expect(group).toMatchObject({ group: true, components: ['cmp-000', 'cmp-001', 'cmp-002', 'cmp-003'] });
    // A group shows its worst child: cmp-001 is in partial_outage.
    expect(group?.status).toBe('partial_outage');
    expect(components.find((c) => c.id === 'cmp-001')).toMatchObject({ group: false, group_id: 'grp-core' });
    expect(components.find((c) => c.id === 'cmp-009')).toMatchObject({ group_id: null });
    expect(components.find((c) => c.id === 'cmp-000')).not.toHaveProperty('components');
  });

  it('maps incident updates newest first with affected_components and a shortlink to the incident page', () => {
    const incidents = files['api/v2/incidents.json'] as ReturnType<typeof summaryJson>;
    const past = incidents.incidents.find((i) => i.id === 'inc-past-0');
    expect(past?.shortlink).toBe('https://acme.status.example.com/incidents/inc-past-0/');
    expect(past?.incident_updates.map((u) => u.status)).toEqual([
      'resolved',
      'monitoring',
      'identified',
      'investigating',
    ]);
    expect(past?.incident_updates.at(-1)?.affected_components).toEqual([
      { code: 'cmp-000', name: 'API', old_status: 'operational', new_status: 'major_outage' },
    ]);
    expect(past?.incident_updates[1]?.affected_components).toBeNull();
    expect(past?.monitoring_at).toBe(past?.incident_updates[1]?.created_at);
    expect(past?.resolved_at).not.toBeNull();
  });

  it('carries the page object and the overall status', () => {
    const status = files['api/v2/status.json'] as {
      page: { id: string; time_zone: string; url: string };
      status: unknown;
    };
    expect(status.page).toMatchObject({
      id: 'tenant-acme',
      time_zone: 'Europe/Berlin',
      url: 'https://acme.status.example.com',
    });
    expect(status.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
  });

  it('publishes an update sent without notifications as deliver_notifications: false', () => {
    const quiet = fixtureSnapshot();
    const incident = quiet.incidents[0];
    if (!incident?.updates[0]) throw new Error('fixture has no incident update');
    incident.updates[0] = { ...incident.updates[0], notify: false };
    const mapped = (
      statuspageV2Files(quiet)['api/v2/incidents.json'] as {
        incidents: { id: string; incident_updates: { id: string; deliver_notifications: boolean }[] }[];
      }
    ).incidents.find((i) => i.id === incident.id);
    const flags = Object.fromEntries((mapped?.incident_updates ?? []).map((u) => [u.id, u.deliver_notifications]));
    expect(flags[incident.updates[0].id]).toBe(false);
    expect(Object.values(flags).filter((f) => f)).toHaveLength(Object.keys(flags).length - 1);
  });
});
