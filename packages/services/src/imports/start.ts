// Starts an import: validates the source URL and records a queued job; the runner (`run.ts`) does the
// work, in the background of whichever entry point started it.
//
// Crash behaviour: the job item is the only write before the audit entry. Stopping after it leaves a
// queued job that nothing runs; GET shows it queued and the client may start another (the run is
// idempotent, so two runs of the same page converge on the same data).
import { AppError, type Author, type ImportJob, newId } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/**
 * The page root a Statuspage URL stands for: its https origin. Anything but a plain public https URL is
 * refused here, before any request; the HTTP source vets the resolved addresses too.
 */
export function statuspageRoot(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new AppError('validation_failed', 'Give the URL of a Statuspage page, e.g. https://www.githubstatus.com', {
      field: 'url',
    });
  }
  if (url.protocol !== 'https:')
    throw new AppError('source_refused', 'Only https pages can be imported', { field: 'url' });
  if (url.username || url.password) {
    throw new AppError('source_refused', 'The URL may not carry credentials', { field: 'url' });
  }
  if (url.port && url.port !== '443')
    throw new AppError('source_refused', 'Only port 443 is allowed', { field: 'url' });
  if (!/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(url.hostname)) {
    // IP literals, single labels (localhost) and the like are never a public status page.
    throw new AppError('source_refused', 'The URL must name a public host', { field: 'url' });
  }
  return url.origin;
}

export interface StartImportInput {
  tenantId: string;
  author: Author;
  url: string;
}

/** A running job that has not written progress for this long is taken for dead (its process stopped). */
export const staleImportMs = 10 * 60_000;

export async function startImport(deps: ServiceDeps, input: StartImportInput): Promise<ImportJob> {
  const root = statuspageRoot(input.url);
  // Two runs at once would race on the same records; one at a time per tenant.
  const live = (await deps.store.imports.list(input.tenantId, 5)).find(
    (j) =>
      (j.status === 'queued' || j.status === 'running') &&
      deps.now().getTime() - Date.parse(j.updatedAt) < staleImportMs,
  );
  if (live) {
    throw new AppError('conflict', `An import is already ${live.status} (${live.id}); wait for it to finish`, {
      field: 'url',
    });
  }
  const now = deps.now().toISOString();
  const job: ImportJob = {
    id: newId(deps.now().getTime()),
    tenantId: input.tenantId,
    source: { system: 'statuspage', url: root },
    status: 'queued',
    progress: { phase: 'queued', done: 0, total: 0 },
    counts: {
      components: 0,
      groups: 0,
      incidents: 0,
      maintenances: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    },
    error: null,
    subscribers: 'not_requested',
    startedBy: input.author,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.store.imports.create(job);
  await deps.store.audit.append({
    tenantId: input.tenantId,
    author: input.author,
    action: 'import.started',
    target: { type: 'import', id: job.id },
    detail: { system: 'statuspage', url: root },
  });
  return job;
}
