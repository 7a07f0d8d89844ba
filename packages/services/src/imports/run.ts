// Runs a queued import of a Statuspage page: reads its v2 JSON and incident history through the
// `StatuspageSource` port, then writes groups, components, incidents (full timelines, original times)
// and maintenances through the store, each with a condition and an audit entry, bumping the content
// version in batches. Every imported record's id derives from its source id (`importedId`), so a
// re-run updates what an earlier run wrote and writes nothing when the source has not changed.
//
// Crash behaviour, write by write:
// - the job is marked running first; stopping there leaves a running job that a re-run supersedes;
// - each record write is one conditional put, followed by its audit entry: stopping between the two
//   leaves the record without its audit line (a re-run sees it unchanged and does not write it again);
// - the content version is bumped after every `bumpEvery` changed records and at the end, so at most
//   that many records can be stored but not yet published when the process dies; the next run bumps
//   when the previous run of the tenant did not complete, which publishes them;
// - a failure marks the job failed with a code and a message; records already written stay (they are
//   valid on their own) and are published.
// Imported timeline entries carry `importedFrom`: a notifier skips them, so nobody hears of them.
import {
  AppError,
  type Author,
  componentIdFor,
  type ImportContext,
  type ImportCounts,
  type ImportJob,
  mapComponent,
  mapGroup,
  mapIncident,
  mapMaintenance,
  SourceHistoryPage,
  type SourceIncident,
  SourceIncidentResponse,
  SourceIncidents,
  SourceMaintenances,
  SourceSummary,
  type StatuspageSource,
  sameRecord,
  statuspagePaths,
} from '@upstate/core';
import type { z } from 'zod';
import type { ServiceDeps } from '../deps.ts';
import { pageChanged } from '../page/changed.ts';
import type { SubscriberImporter } from './subscribers.ts';

/** How many changed records may wait for one content-version bump. */
const bumpEvery = 50;
/** Job progress is written every this many records (one conditional write each). */
const progressEvery = 25;
/** History pages hold three months each: 80 pages reach back 20 years. */
const maxHistoryPages = 80;
/** The most incidents one import brings: bounds the work (and the source reads) of a single job. */
export const maxImportedIncidents = 5000;
/** Consecutive history pages without an incident (a year) after which the archive is taken to end. */
const quietPagesToStop = 4;
/** Concurrent incident reads from the source, to be gentle with it. */
const readConcurrency = 4;

export interface RunImportDeps extends ServiceDeps {
  source: StatuspageSource;
  /** Needed only when `managementApiKey` is given; see `subscribers.ts`. */
  subscribers?: SubscriberImporter;
}

export interface RunImportInput {
  tenantId: string;
  jobId: string;
  /** Called after every progress write (the CLI draws a bar from it). */
  onProgress?: (job: ImportJob) => void;
  /** The source's management API key, for subscribers; held in memory for this run only. */
  managementApiKey?: string;
}

async function read<T extends z.ZodType>(source: StatuspageSource, path: string, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await source.getJson(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'source_invalid',
      `${path} is not Statuspage v2 JSON (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`,
      { field: 'url' },
    );
  }
  return parsed.data;
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return out;
}

export async function runImport(deps: RunImportDeps, input: RunImportInput): Promise<ImportJob> {
  const { store, source } = deps;
  const { tenantId } = input;
  let job = await store.imports.require(tenantId, input.jobId);
  if (job.status !== 'queued') {
    throw new AppError('conflict', `This import is already ${job.status}`, { field: 'status' });
  }
  const counts: ImportCounts = { ...job.counts };
  // Progress writes are chained: parallel source reads report progress too, and each write is
  // conditional on the version the previous one wrote.
  let saving: Promise<unknown> = Promise.resolve();
  const saveJob = (change: Partial<ImportJob>) => {
    const write = saving.then(async () => {
      job = await store.imports.save({
        ...job,
        ...change,
        counts: { ...counts },
        updatedAt: deps.now().toISOString(),
        version: job.version + 1,
      });
      input.onProgress?.(job);
    });
    saving = write.catch(() => {});
    return write;
  };

  let pending = 0;
  // Each batch's records are complete on their own, so a plain bump publishes them (page/changed.ts).
  const publish = async () => {
    pending = 0;
    await pageChanged(deps, tenantId);
  };
  const author: Author = job.startedBy;
  const audit = (action: string, type: string, id: string, detail: Record<string, unknown>) =>
    store.audit.append({ tenantId, author, action, target: { type, id }, detail: { importId: job.id, ...detail } });
  let done = 0;
  let total = 0;
  /** After each record: counts it, publishes a full batch, reports progress now and then. */
  const recorded = async (
    outcome: 'created' | 'updated' | 'unchanged' | 'skipped',
    phase: ImportJob['progress']['phase'],
  ) => {
    counts[outcome]++;
    done++;
    if ((outcome === 'created' || outcome === 'updated') && ++pending >= bumpEvery) await publish();
    if (done % progressEvery === 0) await saveJob({ progress: { phase, done, total } });
  };

  // Refused before any write: a run that could not do what was asked must not do half of it.
  if (input.managementApiKey !== undefined && !deps.subscribers) {
    throw new AppError('validation_failed', 'Importing subscribers is not available yet', {
      field: 'managementApiKey',
    });
  }
  const previous = (await store.imports.list(tenantId, 5)).find((j) => j.id !== job.id);
  const previousUnfinished = previous !== undefined && previous.status !== 'completed';

  try {
    await saveJob({ status: 'running', progress: { phase: 'reading', done: 0, total: 0 } });

    const summary = await read(source, statuspagePaths.summary, SourceSummary);
    const recent = await read(source, statuspagePaths.incidents, SourceIncidents);
    const maintenances = await read(source, statuspagePaths.maintenances, SourceMaintenances);
    const incidents = new Map<string, SourceIncident>(recent.incidents.map((i) => [i.id, i]));
    // incidents.json holds the 50 most recent; the history pages list every older incident's code.
    const listed = new Set<string>();
    const older: string[] = [];
    // A page lists three months, quiet ones included, so an empty page is not the end: the end is a
    // page with no months, or a year of pages with no incident (some pages never send an empty one).
    for (let page = 1, quiet = 0; page <= maxHistoryPages && quiet < quietPagesToStop; page++) {
      const history = await read(source, statuspagePaths.history(page), SourceHistoryPage);
      if (history.months.length === 0) break;
      const codes = history.months.flatMap((m) => m.incidents.map((i) => i.code));
      quiet = codes.length === 0 ? quiet + 1 : 0;
      for (const code of codes) {
        if (incidents.has(code) || listed.has(code)) continue;
        listed.add(code);
        if (incidents.size + older.length >= maxImportedIncidents) counts.skipped++;
        else older.push(code);
      }
      await saveJob({ progress: { phase: 'reading', done: 0, total: older.length } });
    }
    let readSoFar = 0;
    // An entry of the history that is not a readable incident (a maintenance listed there, a page that
    // answers 404) is left out and counted, not fatal: the rest of the past still comes over.
    const readOlder = async (code: string) => {
      try {
        return await read(source, statuspagePaths.incident(code), SourceIncidentResponse);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        counts.skipped++;
        deps.log('import skipped a history entry', { tenantId, jobId: job.id, code, reason: error.code });
        return undefined;
      } finally {
        if (++readSoFar % progressEvery === 0) {
          await saveJob({ progress: { phase: 'reading', done: readSoFar, total: older.length } });
        }
      }
    };
    for (const response of await pool(older, readConcurrency, readOlder)) {
      if (response) incidents.set(response.incident.id, response.incident);
    }

    const groups = summary.components.filter((c) => c.group);
    const components = summary.components.filter((c) => !c.group);
    counts.groups = groups.length;
    counts.components = components.length;
    counts.incidents = incidents.size;
    counts.maintenances = maintenances.scheduled_maintenances.length;
    total = groups.length + components.length + incidents.size + maintenances.scheduled_maintenances.length;
    const ctx: ImportContext = {
      tenantId,
      pageId: summary.page.id,
      author,
      componentIds: new Map(components.map((c) => [c.id, componentIdFor({ pageId: summary.page.id }, c)])),
    };
    await saveJob({ progress: { phase: 'components', done, total } });

    /** Writes one mapped record if it is new or differs from the stored one, with its audit line. */
    const upsert = async <T extends object, Stored extends T>(o: {
      type: string;
      sourceId: string;
      phase: ImportJob['progress']['phase'];
      existing: Stored | undefined;
      next: T;
      /** Fields the store sets itself, left out of the comparison. */
      ignore: string[];
      create(next: T): Promise<unknown>;
      update(next: T, existing: Stored): Promise<unknown>;
    }) => {
      const id = (o.next as { id: string }).id;
      const change = !o.existing ? 'created' : sameRecord(o.next, o.existing, o.ignore) ? 'unchanged' : 'updated';
      try {
        if (change === 'created') await o.create(o.next);
        if (change === 'updated') await o.update(o.next, o.existing as Stored);
      } catch (error) {
        // A timeline over the item size limit cannot be stored here; the store refused it before writing.
        if (!(error instanceof AppError && error.code === 'too_large')) throw error;
        return recorded('skipped', o.phase);
      }
      if (change !== 'unchanged') await audit(`${o.type}.imported`, o.type, id, { sourceId: o.sourceId, change });
      return recorded(change, o.phase);
    };

    const groupIds = new Map<string, string>();
    for (const g of groups) {
      const id = mapGroup(ctx, g).id;
      groupIds.set(g.id, id);
      const existing = await store.groups.get(tenantId, id);
      await upsert({
        type: 'component_group',
        sourceId: g.id,
        phase: 'components',
        existing,
        next: mapGroup(ctx, g, existing),
        ignore: ['version', 'updatedAt'],
        create: (next) => store.groups.create(next),
        update: (next, old) => store.groups.put({ ...next, version: old.version }, old.version),
      });
    }
    for (const c of components) {
      const existing = await store.components.get(tenantId, componentIdFor(ctx, c));
      await upsert({
        type: 'component',
        sourceId: c.id,
        phase: 'components',
        existing,
        next: mapComponent(ctx, c, groupIds, existing),
        ignore: ['version', 'updatedAt'],
        create: (next) => store.components.create(next),
        update: (next, old) => store.components.put({ ...next, version: old.version }, old.version),
      });
    }

    // Oldest first, so a page that is published mid-import shows a contiguous past.
    const ordered = [...incidents.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const i of ordered) {
      const existing = await store.incidents.get(tenantId, mapIncident(ctx, i).id);
      await upsert({
        type: 'incident',
        sourceId: i.id,
        phase: 'incidents',
        existing,
        next: mapIncident(ctx, i, existing),
        ignore: ['version'],
        create: (next) => store.incidents.create(next),
        update: (next) => store.incidents.save(next),
      });
    }
    for (const m of maintenances.scheduled_maintenances) {
      const existing = await store.maintenances.get(tenantId, mapMaintenance(ctx, m).id);
      await upsert({
        type: 'maintenance',
        sourceId: m.id,
        phase: 'maintenances',
        existing,
        next: mapMaintenance(ctx, m, existing),
        ignore: ['version'],
        create: (next) => store.maintenances.create(next),
        update: (next) => store.maintenances.save(next),
      });
    }

    if (input.managementApiKey !== undefined && deps.subscribers) {
      const { imported } = await deps.subscribers.importSubscribers({
        tenantId,
        pageId: ctx.pageId,
        managementApiKey: input.managementApiKey,
        author,
      });
      counts.subscribers = imported;
    }

    if (pending > 0 || previousUnfinished) await publish();
    await saveJob({
      status: 'completed',
      progress: { phase: 'done', done, total },
      subscribers: input.managementApiKey === undefined ? 'not_requested' : 'imported',
    });
    await audit('import.completed', 'import', job.id, { ...counts });
    return job;
  } catch (error) {
    if (pending > 0) await publish();
    const appError =
      error instanceof AppError ? error : new AppError('internal', 'The import stopped on an unexpected error');
    if (!(error instanceof AppError)) deps.log('import failed', { tenantId, jobId: job.id, error: String(error) });
    await saveJob({ status: 'failed', error: { code: appError.code, message: appError.message } });
    await audit('import.failed', 'import', job.id, { code: appError.code });
    return job;
  }
}
