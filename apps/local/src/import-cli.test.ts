import { spawn } from 'node:child_process';
import { recordingPublishTrigger } from '@upstate/api';
import { startApiServer } from '@upstate/api/node';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { recordedSource, statuspageRecording } from '@upstate/services/imports/recording';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI's entry as `npm run import` runs it, against an API serving a recorded page.

let server: Awaited<ReturnType<typeof startApiServer>>;
let apiKey: string;
const recording = statuspageRecording({ incidents: 40, maintenances: 2, seed: 3 });

beforeAll(async () => {
  const { store } = await createTestStore();
  const mailer = recordingMailer();
  server = await startApiServer({
    port: 0,
    deps: {
      store,
      publishTrigger: recordingPublishTrigger(),
      dnsResolver: { resolveTxt: async () => [] },
      imports: { vet: async () => {}, source: (root) => recordedSource(root, recording) },
      mailer,
    },
  });
  // Sign-up is verified by email: the account exists once the emailed link is followed.
  const api = { request: (path: string, init: RequestInit) => fetch(`http://127.0.0.1:${server.port}${path}`, init) };
  const { body } = await signUpAndVerify(api, mailer, {
    name: 'CLI',
    slug: 'cli-import',
    email: 'cli@example.com',
    password: 'correct horse battery',
  });
  apiKey = (body as { apiKey: { key: string } }).apiKey.key;
});

afterAll(async () => {
  await server?.close();
});

function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [new URL('./import-main.ts', import.meta.url).pathname, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out })),
  );
}

describe('npm run import', () => {
  it('imports a page, printing progress and the counts, and a second run changes nothing', {
    timeout: 60_000,
  }, async () => {
    const env = { UPSTATE_API_URL: `http://127.0.0.1:${server.port}`, UPSTATE_API_KEY: apiKey };
    const first = await cli(['https://status.acme-cloud.example'], env);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Importing https://status.acme-cloud.example as job');
    expect(first.out).toMatch(/done {9}\[█{30}\] 56\/56/);
    expect(first.out).toContain(
      'Done: 1 groups, 13 components, 40 incidents, 2 maintenances — 56 created, 0 updated, 0 unchanged',
    );

    const second = await cli(['https://status.acme-cloud.example'], env);
    expect(second.code).toBe(0);
    expect(second.out).toContain('0 created, 0 updated, 56 unchanged');
  });

  it('exits 1 with the API’s reason when the URL is refused, and 2 without a URL', async () => {
    const env = { UPSTATE_API_URL: `http://127.0.0.1:${server.port}`, UPSTATE_API_KEY: apiKey };
    const refused = await cli(['http://status.acme-cloud.example'], env);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('400 source_refused');
    expect((await cli([], env)).code).toBe(2);
  });
});
