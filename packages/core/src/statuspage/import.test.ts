import { describe, expect, it } from 'vitest';
import type { Author, Incident } from '../schemas.ts';
import { type ImportContext, importedId, mapIncident, SourceIncident, sameRecord } from './import.ts';

const author: Author = { kind: 'api_key', id: 'k1', label: 'migration' };
const ctx: ImportContext = { tenantId: 't1', pageId: 'page1', author, componentIds: new Map([['src-c1', 'LOCAL-C1']]) };

const source = SourceIncident.parse({
  id: 'inc1',
  name: '  Elevated errors  ',
  status: 'resolved',
  impact: 'major',
  created_at: '2024-05-01T10:00:00.000-06:00',
  updated_at: '2024-05-01T11:30:00.000-06:00',
  resolved_at: '2024-05-01T11:30:00.000-06:00',
  components: [{ id: 'src-c1', name: 'API' }],
  incident_updates: [
    {
      id: 'u2',
      status: 'resolved',
      body: 'This incident has been resolved.',
      created_at: '2024-05-01T11:30:00.000-06:00',
      display_at: '2024-05-01T11:30:00.000-06:00',
      affected_components: [{ code: 'src-c1', old_status: 'major_outage', new_status: 'operational' }],
      deliver_notifications: true,
    },
    {
      id: 'u1',
      status: 'investigating',
      body: '',
      created_at: '2024-05-01T10:00:00.000-06:00',
      display_at: '2024-05-01T10:00:00.000-06:00',
      affected_components: [{ code: 'unknown', old_status: 'operational', new_status: 'major_outage' }],
      deliver_notifications: true,
    },
  ],
});

describe('importedId', () => {
  it('is a ULID carrying the original time, the same for the same source entry, distinct otherwise', () => {
    const from = { system: 'statuspage' as const, pageId: 'page1', id: 'inc1' };
    const a = importedId(from, 'incident', '2024-05-01T16:00:00.000Z');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(importedId(from, 'incident', '2024-05-01T16:00:00.000Z')).toBe(a);
    expect(importedId({ ...from, id: 'inc2' }, 'incident', '2024-05-01T16:00:00.000Z')).not.toBe(a);
    expect(importedId({ ...from, pageId: 'page2' }, 'incident', '2024-05-01T16:00:00.000Z')).not.toBe(a);
    expect(importedId(from, 'incident', '2023-01-01T00:00:00.000Z') < a).toBe(true);
  });
});

describe('mapIncident', () => {
  it('keeps times (as UTC), orders updates oldest first, marks them imported and maps known components only', () => {
    const incident = mapIncident(ctx, source);
    expect(incident).toMatchObject({
      name: 'Elevated errors',
      status: 'resolved',
      createdAt: '2024-05-01T16:00:00.000Z',
      resolvedAt: '2024-05-01T17:30:00.000Z',
      componentIds: ['LOCAL-C1'],
      importedFrom: { system: 'statuspage', pageId: 'page1', id: 'inc1' },
      version: 1,
    });
    expect(incident.updates.map((u) => [u.status, u.body, u.displayAt, u.componentChanges])).toEqual([
      ['investigating', '(no text)', '2024-05-01T16:00:00.000Z', []],
      [
        'resolved',
        'This incident has been resolved.',
        '2024-05-01T17:30:00.000Z',
        [{ componentId: 'LOCAL-C1', oldStatus: 'major_outage', newStatus: 'operational' }],
      ],
    ]);
    expect(incident.updates.every((u) => u.importedFrom && u.author === author)).toBe(true);
  });

  it('maps the same source to the same record, and keeps updates posted here on a re-run', () => {
    const first = mapIncident(ctx, source);
    expect(sameRecord(mapIncident(ctx, source), first)).toBe(true);
    const local: Incident = {
      ...first,
      status: 'postmortem',
      updatedAt: '2024-05-03T00:00:00.000Z',
      updates: [
        ...first.updates,
        {
          ...(first.updates[1] as Incident['updates'][number]),
          id: 'local',
          status: 'postmortem',
          body: 'Our review',
          importedFrom: undefined,
          displayAt: '2024-05-03T00:00:00.000Z',
          createdAt: '2024-05-03T00:00:00.000Z',
        },
      ],
    };
    const again = mapIncident(ctx, source, local);
    expect(again.updates.at(-1)?.id).toBe('local');
    expect(again.status).toBe('postmortem');
    expect(again.version).toBe(first.version + 1);
    expect(sameRecord(again, local, ['version'])).toBe(true);
  });

  it('refuses source JSON that is not an incident, and cuts an over-long title', () => {
    expect(SourceIncident.safeParse({ ...source, status: 'bogus' }).success).toBe(false);
    expect(SourceIncident.safeParse({ id: 'x' }).success).toBe(false);
    const long = SourceIncident.parse({ ...source, created_at: '2024-05-01T16:00:00Z', name: 'n'.repeat(500) });
    expect(long.name).toHaveLength(120);
  });
});

describe('sameRecord', () => {
  it('ignores key order, undefined fields and the named fields, nothing else', () => {
    expect(sameRecord({ a: 1, b: { c: [1, 2] }, d: undefined }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameRecord({ a: 1, v: 1 }, { a: 1, v: 2 }, ['v'])).toBe(true);
    expect(sameRecord({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [2, 1] } })).toBe(false);
  });
});
