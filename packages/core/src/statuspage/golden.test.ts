import { describe, expect, it } from 'vitest';
import { fixtureSnapshot } from '../fixtures.ts';
import { appendIncidentUpdate, createIncident } from '../lifecycle.ts';
import type { Component, ComponentGroup, ComponentStatus, Maintenance, TenantSnapshot } from '../schemas.ts';
import {
  ComponentStatus as ComponentStatusEnum,
  IncidentImpact,
  IncidentStatus,
  MaintenanceStatus,
} from '../schemas.ts';
import { indicatorDescriptions } from '../status.ts';
import airtable from './captures/airtable-status-2021-06-25.json' with { type: 'json' };
import github from './captures/githubstatus-summary-2020-04-02.json' with { type: 'json' };
import hashicorp from './captures/hashicorp-components-2021-08-06.json' with { type: 'json' };
import huobi from './captures/huobi-summary-2020-02-11.json' with { type: 'json' };
import snowflake from './captures/snowflake-status-2021-06-30.json' with { type: 'json' };
import { componentsJson, incidentFiles, summaryJson } from './mapping.ts';
import { V2IncidentResponse } from './shapes.ts';

// Golden tests against real Statuspage v2 responses (captures/, each recording where it came
// from). For a page equivalent to each capture, our output must have the same keys in the same
// order, the same JSON types and nullability per key, values inside Statuspage's enums, and the
// same time format, for every kind of object the API returns.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Capture = { source: { url: string; where: string }; body: Record<string, Json> };

const captures: Record<string, Capture> = {
  'airtable-status-2021-06-25': airtable as Capture,
  'githubstatus-summary-2020-04-02': github as Capture,
  'hashicorp-components-2021-08-06': hashicorp as Capture,
  'huobi-summary-2020-02-11': huobi as Capture,
  'snowflake-status-2021-06-30': snowflake as Capture,
};
const capture = (name: string) => {
  const c = captures[name];
  if (!c) throw new Error(`no capture ${name}`);
  return c.body;
};

type Kind = 'page' | 'component' | 'group' | 'incident' | 'update' | 'affected' | 'maintenance' | 'status';

/** Every object of a v2 response, labelled with its kind. */
function objects(body: Json, kind: Kind | 'root' = 'root', out: [Kind, Record<string, Json>][] = []) {
  if (Array.isArray(body)) {
    for (const item of body) objects(item, kind, out);
    return out;
  }
  if (body === null || typeof body !== 'object') return out;
  if (kind === 'component' && body.group === true) kind = 'group';
  // Statuspage serves a scheduled maintenance under `incident` too (incidents/{id}.json).
  if (kind === 'incident' && 'scheduled_for' in body) kind = 'maintenance';
  if (kind !== 'root') out.push([kind, body]);
  const child: Record<string, Kind> = {
    page: 'page',
    status: 'status',
    components: 'component',
    incidents: 'incident',
    incident: 'incident',
    scheduled_maintenances: 'maintenance',
    incident_updates: 'update',
    affected_components: 'affected',
  };
  for (const [key, value] of Object.entries(body)) {
    const k = child[key];
    // A group's `components` is a list of ids, not objects.
    if (k && !(kind === 'group' && key === 'components')) objects(value, k, out);
  }
  return out;
}

const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const timestampKey = /(_at|_for|_until)$/;
const statuspageTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;

/** The key order and per-key JSON types of every kind of object in the captures. */
function reference(bodies: Json[]) {
  const keys = new Map<Kind, string[][]>();
  const types = new Map<string, Set<string>>();
  for (const body of bodies) {
    for (const [kind, obj] of objects(body)) {
      keys.set(kind, [...(keys.get(kind) ?? []), Object.keys(obj)]);
      for (const [k, v] of Object.entries(obj)) {
        const set = types.get(`${kind}.${k}`) ?? new Set();
        set.add(typeOf(v));
        types.set(`${kind}.${k}`, set);
      }
    }
  }
  return { keys, types };
}

function compareWithCaptures(ours: Json, captured: Json[]) {
  const ref = reference(captured);
  const found = objects(ours);
  expect(found.length).toBeGreaterThan(0);
  for (const [kind, obj] of found) {
    const refKeys = ref.keys.get(kind);
    if (!refKeys) throw new Error(`no capture shows a ${kind}`);
    // The newest capture of each kind is the longest: older ones predate fields such as start_date.
    const newest = refKeys.reduce((a, b) => (b.length > a.length ? b : a));
    expect({ kind, keys: Object.keys(obj) }).toEqual({ kind, keys: newest });
    for (const [k, v] of Object.entries(obj)) {
      const seen = ref.types.get(`${kind}.${k}`);
      if (seen)
        expect({ kind, key: k, type: typeOf(v), seen: [...seen] }).toEqual({
          kind,
          key: k,
          type: typeOf(v),
          seen: expect.arrayContaining([typeOf(v)]),
        });
      if (typeof v === 'string' && timestampKey.test(k))
        expect({ kind, key: k, v }).toEqual({ kind, key: k, v: expect.stringMatching(statuspageTime) });
    }
  }
}

// Statuspage's enums, from its public v2 documentation.
const statuspageEnums: Record<string, readonly string[]> = {
  'component.status': ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  'group.status': ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  'affected.old_status': ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  'affected.new_status': ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  'incident.status': ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'],
  'incident.impact': ['none', 'minor', 'major', 'critical'],
  'maintenance.status': ['scheduled', 'in_progress', 'verifying', 'completed'],
  'maintenance.impact': ['none', 'minor', 'major', 'critical', 'maintenance'],
  'update.status': [
    'investigating',
    'identified',
    'monitoring',
    'resolved',
    'postmortem',
    'scheduled',
    'in_progress',
    'verifying',
    'completed',
  ],
  'status.indicator': ['none', 'minor', 'major', 'critical', 'maintenance'],
};

function expectInsideEnums(body: Json) {
  for (const [kind, obj] of objects(body)) {
    for (const [k, v] of Object.entries(obj)) {
      const allowed = statuspageEnums[`${kind}.${k}`];
      if (allowed) expect({ at: `${kind}.${k}`, v }).toEqual({ at: `${kind}.${k}`, v: expect.toBeOneOf([...allowed]) });
    }
  }
}

// Pages equivalent to the captures, built through the same domain rules the API uses.
const author = { kind: 'user' as const, id: 'user-1', label: 'ops@example.com' };

function component(
  id: string,
  name: string,
  position: number,
  status: ComponentStatus,
  groupId: string | null = null,
): Component {
  return {
    id,
    tenantId: 'tenant-acme',
    groupId,
    name,
    description: position % 2 ? `${name} description` : null,
    position,
    status,
    statusSource: 'manual',
    onlyShowIfDegraded: false,
    showUptime: position % 2 === 1,
    startDate: '2026-01-01',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-11-20T11:00:00.000Z',
  };
}

function group(id: string, name: string, position: number): ComponentGroup {
  const at = '2026-01-01T00:00:00.000Z';
  return { id, tenantId: 'tenant-acme', name, description: null, position, createdAt: at, updatedAt: at };
}

function page(parts: Partial<TenantSnapshot>): TenantSnapshot {
  return { ...fixtureSnapshot(), groups: [], incidents: [], maintenances: [], rollups: [], ...parts };
}

/** GitHub, 2020-04-02: an outage whose first update names a component without changing its status. */
function githubLike(): TenantSnapshot {
  const components = [
    component('git', 'Git Operations', 0, 'major_outage'),
    component('api', 'API Requests', 1, 'major_outage'),
    component('visit', 'Visit the status page for more information', 2, 'operational'),
    component('actions', 'Actions', 3, 'partial_outage'),
  ];
  const current = new Map(components.map((c) => [c.id, c.status]));
  const opened = createIncident(
    'tenant-acme',
    {
      name: 'Incident on 2026-11-20 11:20 UTC',
      impact: 'major',
      body: 'We are investigating reports of degraded performance.',
      components: [{ componentId: 'visit', status: 'operational' }],
    },
    { author, now: new Date('2026-11-20T11:20:00.000Z'), components: current },
  );
  const followUp = appendIncidentUpdate(
    opened.incident,
    { status: 'investigating', body: 'We are investigating reports of service unavailability.' },
    { author, now: new Date('2026-11-20T11:26:00.000Z'), components: current },
  );
  return page({ components, incidents: [followUp.incident] });
}

/** Huobi, 2020-02-11: a degraded component under a minor incident, and a scheduled maintenance. */
function huobiLike(): TenantSnapshot {
  const components = [
    component('deposit', 'Deposit', 0, 'operational', 'grp-funds'),
    component('market', 'Market data', 1, 'degraded_performance'),
  ];
  const current = new Map(components.map((c) => [c.id, 'operational' as ComponentStatus]));
  const { incident } = createIncident(
    'tenant-acme',
    {
      name: 'Market data is delayed',
      impact: 'minor',
      body: 'Market data is delayed',
      components: [{ componentId: 'market', status: 'degraded_performance' }],
    },
    { author, now: new Date('2026-11-20T11:15:00.000Z'), components: current },
  );
  const maintenance: Maintenance = {
    id: 'mnt-1',
    tenantId: 'tenant-acme',
    name: 'Schedule maintenance',
    status: 'scheduled',
    impact: 'minor',
    componentIds: ['deposit'],
    scheduledFor: '2026-11-24T00:00:00.000Z',
    scheduledUntil: '2026-11-24T01:00:00.000Z',
    autoStart: true,
    autoComplete: true,
    createdAt: '2026-11-20T11:16:31.481Z',
    updatedAt: '2026-11-20T11:16:31.530Z',
    updates: [
      {
        id: 'mu-1',
        status: 'scheduled',
        body: 'We will be undergoing scheduled maintenance during this time.',
        displayAt: '2026-11-20T11:16:31.527Z',
        createdAt: '2026-11-20T11:16:31.527Z',
        author,
      },
    ],
    version: 1,
  };
  return page({
    components,
    groups: [group('grp-funds', 'Funds', 0)],
    incidents: [incident],
    maintenances: [maintenance],
  });
}

/** HashiCorp, 2021-08-06: groups, ungrouped components between them, positions counted per group. */
function hashicorpLike(): TenantSnapshot {
  return page({
    groups: [
      group('hcp', 'HashiCorp Cloud Platform (HCP)', 0),
      group('tfc', 'Terraform Cloud', 5),
      group('wp', 'Waypoint', 9),
    ],
    components: [
      component('portal', 'HCP Portal', 0, 'degraded_performance', 'hcp'),
      component('consul', 'Consul', 4, 'operational', 'hcp'),
      component('vault', 'Vault', 7, 'operational', 'hcp'),
      component('tfc-ui', 'Terraform Cloud UI and API', 2, 'operational', 'tfc'),
      component('runs', 'Terraform Runs', 3, 'operational', 'tfc'),
      component('vagrant', 'Vagrant Cloud', 6, 'operational'),
      component('wp-url', 'Waypoint URL Service', 0, 'operational', 'wp'),
    ],
  });
}

const allCaptures = () => Object.values(captures).map((c) => c.body as Json);

describe('Statuspage v2 golden tests against real captures', () => {
  it('records where every capture came from', () => {
    expect(Object.keys(captures).length).toBeGreaterThanOrEqual(4);
    for (const c of Object.values(captures)) {
      expect(c.source.url).toMatch(/^https:\/\//);
      expect(c.source.where.length).toBeGreaterThan(20);
    }
  });

  it('captures fit our own enums, so anything Statuspage sends means something here', () => {
    const ours: Record<string, readonly string[]> = {
      'component.status': ComponentStatusEnum.options,
      'incident.status': IncidentStatus.options,
      'incident.impact': IncidentImpact.options,
      'maintenance.status': MaintenanceStatus.options,
      'maintenance.impact': [...IncidentImpact.options, 'maintenance'],
    };
    for (const body of allCaptures()) {
      for (const [kind, obj] of objects(body)) {
        for (const [k, v] of Object.entries(obj)) {
          const allowed = ours[`${kind}.${k}`];
          if (allowed) expect(allowed).toContain(v);
        }
      }
      expectInsideEnums(body);
    }
  });

  it.each([
    ['GitHub', githubLike],
    ['Huobi', huobiLike],
    ['HashiCorp', hashicorpLike],
  ] as const)(
    'summary.json of a page like %s has the captured key order, types, nullability, enums and time format',
    (_, build) => {
      const ours = summaryJson(build()) as unknown as Json;
      compareWithCaptures(ours, allCaptures());
      expectInsideEnums(ours);
    },
  );

  it('lists an update that names a component without changing it under affected_components (GitHub)', () => {
    const [incident] = summaryJson(githubLike()).incidents;
    const first = incident?.incident_updates.at(-1);
    expect(first?.affected_components).toEqual([
      {
        code: 'visit',
        name: 'Visit the status page for more information',
        old_status: 'operational',
        new_status: 'operational',
      },
    ]);
    const captured = capture('githubstatus-summary-2020-04-02') as {
      incidents: { incident_updates: { affected_components: Json }[] }[];
    };
    expect(captured.incidents[0]?.incident_updates.at(-1)?.affected_components).toEqual([
      expect.objectContaining({ old_status: 'operational', new_status: 'operational' }),
    ]);
    // The follow-up touched nothing: null, as in the capture.
    expect(incident?.incident_updates[0]?.affected_components).toBeNull();
  });

  it('describes the page status in Statuspage words and roll-up (Huobi, GitHub)', () => {
    expect(summaryJson(huobiLike()).status).toEqual((capture('huobi-summary-2020-02-11') as { status: Json }).status);
    // GitHub: some components in major outage under a major incident is major, not critical.
    expect(summaryJson(githubLike()).status).toEqual(
      (capture('githubstatus-summary-2020-04-02') as { status: Json }).status,
    );
    // Every other captured indicator reads as ours does for that indicator.
    const seen = Object.values(captures).flatMap((c) =>
      c.body.status ? [c.body.status as { indicator: string; description: string }] : [],
    );
    expect(seen.map((s) => s.indicator).sort()).toEqual(['critical', 'major', 'minor', 'none']);
    for (const s of seen.filter((x) => x.indicator !== 'minor')) {
      expect(indicatorDescriptions[s.indicator as keyof typeof indicatorDescriptions]).toBe(s.description);
    }
  });

  it('keeps the maintenance impact the tenant chose, and started_at / monitoring_at as Statuspage (Huobi)', () => {
    const snapshot = huobiLike();
    const [m] = summaryJson(snapshot).scheduled_maintenances;
    expect(m?.impact).toBe('minor');
    expect(m?.started_at).toBe(snapshot.maintenances[0]?.createdAt);
    expect(m?.monitoring_at).toBeNull();
    const verifying = { ...(snapshot.maintenances[0] as Maintenance) };
    verifying.updates = [
      ...verifying.updates,
      {
        ...(verifying.updates[0] as Maintenance['updates'][number]),
        id: 'mu-2',
        status: 'verifying',
        createdAt: '2026-11-24T00:50:00.000Z',
        displayAt: '2026-11-24T00:50:00.000Z',
      },
    ];
    const later = summaryJson({ ...snapshot, maintenances: [verifying], generatedAt: '2026-11-24T00:55:00.000Z' });
    expect(later.scheduled_maintenances[0]?.monitoring_at).toBe('2026-11-24T00:50:00.000Z');
  });

  it('numbers positions from 1 among top-level entries and again inside each group (HashiCorp)', () => {
    const { components } = componentsJson(hashicorpLike());
    const at = (id: string) => components.find((c) => c.id === id)?.position;
    expect([at('hcp'), at('tfc'), at('vagrant'), at('wp')]).toEqual([1, 2, 3, 4]);
    expect([at('portal'), at('consul'), at('vault')]).toEqual([1, 2, 3]);
    expect([at('tfc-ui'), at('runs')]).toEqual([1, 2]);
    expect(at('wp-url')).toBe(1);
    const positions = components.map((c) => c.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The capture numbers the same way: HCP's children are 1, 2, 4 and the HCP group itself is 1.
    const captured = capture('hashicorp-components-2021-08-06') as { components: { id: string; position: number }[] };
    expect(captured.components.find((c) => c.id === 'ym75hzpmfq4q')?.position).toBe(1);
    expect(captured.components.find((c) => c.id === 'mgv1p2j9x444')?.position).toBe(1);
  });

  it('serves /api/v2/incidents/{id}.json as {page, incident} for incidents and maintenances', () => {
    const snapshot = huobiLike();
    const files = incidentFiles(snapshot);
    const incidentId = snapshot.incidents[0]?.id ?? '';
    expect(Object.keys(files).sort()).toEqual(
      [`api/v2/incidents/${incidentId}.json`, 'api/v2/incidents/mnt-1.json'].sort(),
    );
    for (const body of Object.values(files)) {
      expect(V2IncidentResponse.safeParse(body).error?.issues ?? []).toEqual([]);
      expect(Object.keys(body)).toEqual(['page', 'incident']);
      compareWithCaptures(body as unknown as Json, allCaptures());
    }
    expect(files[`api/v2/incidents/${incidentId}.json`]?.incident).toEqual(summaryJson(snapshot).incidents[0]);
  });
});
