// Import of a large recorded Statuspage page (400 incidents with full timelines, 13 components, a
// group, 6 maintenances) into dynalite, then a second import of the same page, which must change
// nothing. Medians of 5 runs, each on a fresh tenant. Run: pnpm --filter @upstate/services bench
import type { Author, PublishTrigger } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { recordedSource, statuspageRecording } from './recording.ts';
import { runImport } from './run.ts';
import { startImport } from './start.ts';

const runs = 5;
const url = 'https://status.acme-cloud.example';
const recording = statuspageRecording({ incidents: 400, maintenances: 6, seed: 42 });
const author: Author = { kind: 'system', id: 'bench', label: 'bench' };
const publishTrigger: PublishTrigger = { async requestPublish() {} };
const { store } = await createTestStore();
const deps = { store, publishTrigger, now: () => new Date(), log: () => {} };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const first: number[] = [];
const second: number[] = [];
let counts = '';
for (let run = 0; run < runs; run++) {
  const tenantId = `bench-import-${run}`;
  for (const [times, expectChanges] of [
    [first, true],
    [second, false],
  ] as const) {
    const job = await startImport(deps, { tenantId, author, url });
    const started = performance.now();
    const done = await runImport({ ...deps, source: recordedSource(url, recording) }, { tenantId, jobId: job.id });
    times.push(performance.now() - started);
    if (done.status !== 'completed') throw new Error(`import failed: ${JSON.stringify(done.error)}`);
    const changed = done.counts.created + done.counts.updated;
    if (expectChanges) counts = JSON.stringify(done.counts);
    else if (changed !== 0) throw new Error(`a second import changed ${changed} records`);
  }
}
const bytes = Buffer.byteLength(JSON.stringify(recording));
console.log(
  `statuspage import (dynalite), ${(bytes / 1024).toFixed(0)} KB recorded page: first ${median(first).toFixed(0)} ms, second (no changes) ${median(second).toFixed(0)} ms — medians of ${runs} runs; counts ${counts}`,
);
process.exit(0);
