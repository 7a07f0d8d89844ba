import type { Author, ImportJob, Incident, PublishTrigger } from '@upstate/core';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDeps } from '../deps.ts';
import { type Recording, recordedSource, statuspageRecording } from './recording.ts';
import { runImport } from './run.ts';
import { startImport, statuspageRoot } from './start.ts';

const url = 'https://status.acme-cloud.example';
const author: Author = { kind: 'api_key', id: 'key-1', label: 'migration' };

let store: Store;
const triggers: number[] = [];
const publishTrigger: PublishTrigger = {
  async requestPublish(_tenantId, version) {
    triggers.push(version);
  },
};
const deps = (): ServiceDeps => ({ store, publishTrigger, now: () => new Date(), log: () => {} });

beforeAll(async () => {
  ({ store } = await createTestStore());
});

async function importOnce(tenantId: string, recording: Recording, paths?: string[], progress?: ImportJob[]) {
  const job = await startImport(deps(), { tenantId, author, url });
  return runImport(
    { ...deps(), source: recordedSource(url, recording, paths) },
    { tenantId, jobId: job.id, onProgress: (j) => progress?.push(j) },
  );
}

/** The fields of a recorded Statuspage incident these tests read. */
interface RawIncident {
  id: string;
  name: string;
  impact: string;
  status: string;
  created_at: string;
  resolved_at: string;
  incident_updates: { status: string; body: string; display_at: string }[];
}
const recordedIncidents = (r: Recording) => (r['api/v2/incidents.json'] as { incidents: RawIncident[] }).incidents;

/** Every stored record of a tenant that an import touches, for before/after comparison. */
async function snapshot(tenantId: string) {
  const incidents: Incident[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.incidents.list(tenantId, { limit: 100, cursor });
    incidents.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return {
    groups: await store.groups.list(tenantId),
    components: await store.components.list(tenantId),
    incidents,
    maintenances: (await store.maintenances.list(tenantId, { limit: 100 })).items,
    contentVersion: (await store.publish.get(tenantId)).contentVersion,
  };
}

// Each test writes tens to hundreds of records to dynalite: generous timeouts for a loaded machine.
describe('importing a Statuspage page', { timeout: 60_000 }, () => {
  const recording = statuspageRecording({ incidents: 64, maintenances: 3, seed: 5 });
  const tenantId = 'tenant-import-a';

  it('brings groups, components, every incident with its timeline and original times, and maintenances', async () => {
    const paths: string[] = [];
    const job = await importOnce(tenantId, recording, paths);

    expect(job.status).toBe('completed');
    expect(job.counts).toEqual({
      components: 13,
      groups: 1,
      incidents: 64,
      maintenances: 3,
      created: 81,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    });
    expect(job.progress).toMatchObject({ phase: 'done', done: 81, total: 81 });
    // The 14 incidents older than incidents.json's 50 came through history.json and one read each.
    expect(paths.filter((p) => p.startsWith('api/v2/incidents/'))).toHaveLength(14);
    expect(paths.filter((p) => p.startsWith('history.json'))).not.toHaveLength(0);

    const s = await snapshot(tenantId);
    expect(s.groups.map((g) => g.name)).toEqual(['Real-time']);
    const voice = s.components.find((c) => c.name === 'Voice');
    expect(voice).toMatchObject({ groupId: s.groups[0]?.id, status: 'degraded_performance', position: 0 });
    expect(s.components.find((c) => c.name === 'Git Operations')).toMatchObject({ groupId: null, position: 0 });

    expect(s.incidents).toHaveLength(64);
    const source = recordedIncidents(recording)[3] as RawIncident;
    const mine = s.incidents.find((i) => i.importedFrom?.id === source.id);
    expect(mine).toMatchObject({
      name: source.name,
      impact: source.impact,
      status: source.status,
      createdAt: new Date(source.created_at).toISOString(),
      resolvedAt: new Date(source.resolved_at).toISOString(),
    });
    // Oldest first here, newest first at Statuspage; every entry keeps its time and is marked imported.
    expect(mine?.updates.map((u) => [u.status, u.body, u.displayAt])).toEqual(
      [...source.incident_updates].reverse().map((u) => [u.status, u.body, new Date(u.display_at).toISOString()]),
    );
    expect(mine?.updates.every((u) => u.importedFrom?.system === 'statuspage')).toBe(true);
    expect(mine?.updates[0]?.componentChanges[0]?.componentId).toBe(mine?.componentIds[0]);
    // Newest first in the store's list too: ids carry the original creation time.
    expect(s.incidents.map((i) => i.createdAt)).toEqual([...s.incidents.map((i) => i.createdAt)].sort().reverse());
    expect(s.incidents.filter((i) => i.status !== 'resolved')).toHaveLength(1);

    expect(s.maintenances.map((m) => [m.status, m.impact])).toEqual(
      expect.arrayContaining([
        ['scheduled', 'none'],
        ['completed', 'none'],
      ]),
    );
    expect(s.contentVersion).toBeGreaterThanOrEqual(2); // 81 changes publish in batches of 50
    expect(triggers.at(-1)).toBe(s.contentVersion);

    const audit = (await store.audit.list(tenantId, { limit: 100 })).items.map((a) => a.action);
    expect(audit).toContain('import.completed');
    expect(audit.filter((a) => a === 'incident.imported')).toHaveLength(64);
  });

  it('changes nothing when run again on the same page', async () => {
    const before = await snapshot(tenantId);
    const auditBefore = (await store.audit.list(tenantId, { limit: 500 })).items.length;
    const triggersBefore = triggers.length;

    const job = await importOnce(tenantId, recording);

    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ created: 0, updated: 0, unchanged: 81 });
    expect(await snapshot(tenantId)).toEqual(before);
    expect(triggers.length).toBe(triggersBefore);
    // Only the run itself is on the trail (started, completed).
    expect((await store.audit.list(tenantId, { limit: 500 })).items.length).toBe(auditBefore + 2);
  });

  it('updates what it brought when the source moved on, keeping what was posted here', async () => {
    const s = await snapshot(tenantId);
    const open = s.incidents.find((i) => i.status !== 'resolved') as Incident;
    const local = {
      ...open,
      updates: [
        ...open.updates,
        {
          id: 'local-update-1',
          kind: 'update' as const,
          status: 'monitoring' as const,
          body: 'Posted on Upstate after the move.',
          displayAt: '2026-11-30T13:00:00.000Z',
          createdAt: '2026-11-30T13:00:00.000Z',
          author,
          componentChanges: [],
          correctsUpdateId: null,
        },
      ],
      status: 'monitoring' as const,
      version: open.version + 1,
    };
    await store.incidents.save(local);

    const moved = structuredClone(recording);
    const sourceOpen = recordedIncidents(moved).find((i) => i.id === open.importedFrom?.id) as RawIncident;
    sourceOpen.name = 'Messages failing to send in some regions';
    const job = await importOnce(tenantId, moved);

    expect(job.counts).toMatchObject({ created: 0, updated: 1, unchanged: 80 });
    const after = await store.incidents.require(tenantId, open.id);
    expect(after.name).toBe('Messages failing to send in some regions');
    expect(after.updates.at(-1)?.body).toBe('Posted on Upstate after the move.');
    expect(after.status).toBe('monitoring');
    expect(after.updates).toHaveLength(open.updates.length + 1);
    expect((await snapshot(tenantId)).contentVersion).toBe(s.contentVersion + 1);
  });

  it('fails the job with a code, writing nothing, when the page is not Statuspage JSON', async () => {
    const broken = { ...recording, 'api/v2/summary.json': { page: { id: 'x' }, components: 'nope' } };
    const job = await importOnce('tenant-import-b', broken);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('source_invalid');
    expect(job.error?.message).toContain('api/v2/summary.json');
    const s = await snapshot('tenant-import-b');
    expect([s.components.length, s.incidents.length, s.contentVersion]).toEqual([0, 0, 0]);
  });

  it('fails with source_unreachable when a page answers 404', async () => {
    const { 'api/v2/incidents.json': _gone, ...partial } = recording;
    const job = await importOnce('tenant-import-c', partial);
    expect(job.error).toMatchObject({ code: 'source_unreachable' });
  });
});

describe('untidy sources', { timeout: 60_000 }, () => {
  it('skips a history entry that is no readable incident, cuts over-long titles, and imports the rest', async () => {
    const untidy = structuredClone(statuspageRecording({ incidents: 55, maintenances: 1, seed: 8 }));
    const older = Object.keys(untidy).filter((p) => p.startsWith('api/v2/incidents/') && p !== 'api/v2/incidents.json');
    const recent = new Set(recordedIncidents(untidy).map((i) => i.id));
    const [gone, maintenance] = older.filter((p) => !recent.has(p.slice('api/v2/incidents/'.length, -5)));
    delete untidy[gone as string];
    (untidy[maintenance as string] as { incident: { status: string } }).incident.status = 'completed';
    const first = recordedIncidents(untidy)[0] as RawIncident;
    first.name = `Outage ${'x'.repeat(300)}`;

    const job = await importOnce('tenant-import-untidy', untidy);

    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ incidents: 53, skipped: 2, created: 53 + 13 + 1 + 1 });
    const stored = (await snapshot('tenant-import-untidy')).incidents.find((i) => i.importedFrom?.id === first.id);
    expect(stored?.name).toHaveLength(120);
  });

  it('reads on past quiet months in the history, and stops at the first page without months', async () => {
    const quiet = structuredClone(statuspageRecording({ incidents: 70, maintenances: 1, seed: 12 }));
    const pages = Object.keys(quiet).filter((p) => p.startsWith('history.json')).length;
    // Shift every history page one back and put three quiet months first, as after a calm quarter.
    for (let n = pages; n >= 1; n--) quiet[`history.json?page=${n + 1}`] = quiet[`history.json?page=${n}`];
    quiet['history.json?page=1'] = {
      months: ['December', 'November', 'October'].map((name) => ({ name, year: 2026, incidents: [] })),
    };
    const paths: string[] = [];
    const job = await importOnce('tenant-import-quiet', quiet, paths);
    expect(job.counts).toMatchObject({ incidents: 70, skipped: 0 });
    expect(paths.filter((p) => p.startsWith('history.json'))).toHaveLength(pages + 1);
  });

  it('refuses a second import while one is running for the tenant', async () => {
    const tenantId = 'tenant-import-busy';
    await startImport(deps(), { tenantId, author, url });
    await expect(startImport(deps(), { tenantId, author, url })).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('importing a large recorded page', () => {
  it('brings 400 incidents through 7 history pages, and a second import changes nothing', {
    timeout: 180_000,
  }, async () => {
    const large = statuspageRecording({ incidents: 400, maintenances: 6, seed: 42 });
    const tenantId = 'tenant-import-large';
    const first = await importOnce(tenantId, large);
    expect(first.counts).toMatchObject({ incidents: 400, created: 420, updated: 0 });
    const before = await snapshot(tenantId);
    expect(before.incidents).toHaveLength(400);
    expect(before.incidents.reduce((n, i) => n + i.updates.length, 0)).toBeGreaterThan(1000);

    const second = await importOnce(tenantId, large);
    expect(second.counts).toMatchObject({ created: 0, updated: 0, unchanged: 420 });
    expect(await snapshot(tenantId)).toEqual(before);
  });
});

describe('statuspageRoot', () => {
  it('keeps the https origin of a page URL', () => {
    expect(statuspageRoot(' https://www.githubstatus.com/history?page=2 ')).toBe('https://www.githubstatus.com');
  });

  it.each([
    ['http://www.githubstatus.com', 'source_refused'],
    ['https://127.0.0.1', 'source_refused'],
    ['https://[::1]/', 'source_refused'],
    ['https://localhost', 'source_refused'],
    ['https://user:pw@status.example.com', 'source_refused'],
    ['https://status.example.com:8443', 'source_refused'],
    ['file:///etc/passwd', 'source_refused'],
    ['not a url', 'validation_failed'],
  ])('refuses %s', (input, code) => {
    expect(() => statuspageRoot(input)).toThrow(expect.objectContaining({ code, field: 'url' }));
  });
});
