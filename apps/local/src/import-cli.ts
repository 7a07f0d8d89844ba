// `npm run import -- <url>`: imports a Statuspage page into a running Upstate through its API
// (POST /v1/imports, then GET /v1/imports/{id} until done), drawing the job's progress. Defaults to
// the local platform (`npm start`) and its demo tenant's key; UPSTATE_API_URL and UPSTATE_API_KEY
// point it anywhere else.
import { readFileSync } from 'node:fs';
import type { ImportJob } from '@upstate/core';

export interface ImportCliOptions {
  url: string;
  apiUrl: string;
  apiKey: string;
  /** Where progress goes; a TTY redraws one line, anything else gets a line per change. */
  out: { write(text: string): unknown; isTTY?: boolean };
  pollMs?: number;
}

const width = 30;

/** One line of progress, e.g. `incidents  [██████····] 120/363`. */
export function progressLine(job: ImportJob): string {
  const { phase, done, total } = job.progress;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const bar = `${'█'.repeat(filled)}${'·'.repeat(width - filled)}`;
  return `${phase.padEnd(12)} [${bar}] ${done}/${total}`;
}

/** Runs one import and resolves with the finished job (completed or failed). */
export async function runImportCli(options: ImportCliOptions): Promise<ImportJob> {
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const started = await fetch(`${options.apiUrl}/v1/imports`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: options.url }),
  });
  const body = (await started.json()) as ImportJob & { error?: { code: string; message: string; field?: string } };
  if (started.status !== 202) {
    const e = body.error;
    throw new Error(`the API refused the import (${started.status} ${e?.code ?? ''}): ${e?.message ?? ''}`);
  }
  options.out.write(`Importing ${body.source.url} as job ${body.id}\n`);
  let last = '';
  for (;;) {
    const res = await fetch(`${options.apiUrl}/v1/imports/${body.id}`, { headers });
    const job = (await res.json()) as ImportJob;
    const line = progressLine(job);
    if (line !== last) {
      options.out.write(options.out.isTTY ? `\r${line}` : `${line}\n`);
      last = line;
    }
    if (job.status === 'completed' || job.status === 'failed') {
      if (options.out.isTTY) options.out.write('\n');
      const c = job.counts;
      options.out.write(
        job.status === 'completed'
          ? `Done: ${c.groups} groups, ${c.components} components, ${c.incidents} incidents, ${c.maintenances} maintenances — ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged\n`
          : `Failed (${job.error?.code}): ${job.error?.message}\n`,
      );
      return job;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/** The demo tenant's key that `npm start` wrote into its data folder. */
export function demoApiKey(dataDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(`${dataDir}/demo.json`, 'utf8')) as { apiKey?: string }).apiKey;
  } catch {
    return undefined;
  }
}
