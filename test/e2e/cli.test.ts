import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@upstate/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, poll, repoRoot } from './support.ts';

// `npm start` minus the bootstrap: the same entry point and flags as apps/local's start script.
const dataDir = mkdtempSync(join(tmpdir(), 'upstate-cli-'));
let ports: { api: number; edge: number; mail: number };

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every child a test started and has not seen exit: a failed assertion must not leave one running. */
const running = new Set<Run>();

afterEach(async () => {
  for (const run of [...running]) {
    run.child.kill('SIGTERM');
    const gone = await Promise.race([run.exited.then(() => true), new Promise((r) => setTimeout(r, 10_000, false))]);
    if (!gone) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  }
});

function start(extraArgs: string[] = [], env: Record<string, string> = {}): Run {
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', join(repoRoot, 'apps/local/src/main.ts'), ...extraArgs],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        NO_COLOR: '1',
        UPSTATE_DATA_DIR: dataDir,
        UPSTATE_API_PORT: String(ports.api),
        UPSTATE_EDGE_PORT: String(ports.edge),
        UPSTATE_MAIL_PORT: String(ports.mail),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => out, exited };
  running.add(run);
  void exited.then(() => running.delete(run));
  return run;
}

const ready = (run: Run) =>
  poll(
    async () => (run.output().includes('Upstate is running') ? run.output() : undefined),
    'the ready block',
    240_000,
  );

beforeAll(async () => {
  ports = { api: await freePort(), edge: await freePort(), mail: await freePort() };
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (apps/local/src/main.ts)', () => {
  let firstKey = '';

  it('prints progress, then a ready block whose URLs, key and curl command work; Ctrl-C stops cleanly', async () => {
    const run = start(['--reset']);
    const out = await ready(run);
    for (const step of ['DynamoDB (dynalite)', 'S3 (s3rver)', 'theme default', 'theme compact', 'demo tenant seeded']) {
      expect(out).toContain(step);
    }
    expect(out).toContain(`Status page   http://demo.localhost:${ports.edge}`);
    expect(out).toContain(`Dashboard     http://localhost:${ports.api}/dashboard`);
    expect(out).toContain(`API docs      http://localhost:${ports.api}/docs`);
    expect(out).toContain(`Mailbox       http://localhost:${ports.mail}`);
    firstKey = /API key\s+(\S+)/.exec(out)?.[1] ?? '';
    expect(firstKey).toMatch(/^up_/);

    // Replay the printed curl command exactly (URL, headers, body) against the running API.
    const curl = /curl -X POST (\S+) \\\n\s+-H '([^']+)' -H '([^']+)' \\\n\s+-d '([^']+)'/.exec(out);
    expect(curl).not.toBeNull();
    const [, url = '', auth = '', type = '', body = ''] = curl ?? [];
    const header = (h: string) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).trim()] as [string, string];
    const res = await fetch(url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: Object.fromEntries([header(auth), header(type)]),
      body,
    });
    expect(res.status).toBe(201);
    const incident = (await res.json()) as { name: string };
    const page = await poll(async () => {
      const r = await httpGet(ports.edge, `demo.localhost:${ports.edge}`, '/');
      return r.body.includes(incident.name) ? r : undefined;
    }, 'the curl incident on the page');
    expect(page.status).toBe(200);
    const docs = await fetch(`http://127.0.0.1:${ports.api}/docs`);
    expect(docs.status).toBe(200);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Stopped cleanly');
    // Everything is closed: every port is free again.
    for (const port of [ports.api, ports.edge, ports.mail]) {
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
      });
    }
  });

  it('keeps the data on a second start and shows the same demo key; a second platform on that folder is refused', async () => {
    const run = start();
    const out = await ready(run);
    expect(out).toContain('data kept');
    expect(out).not.toContain('demo tenant seeded');
    expect(out).toContain(`API key       ${firstKey}`);

    const other = start([], {
      UPSTATE_API_PORT: String(await freePort()),
      UPSTATE_EDGE_PORT: String(await freePort()),
      UPSTATE_MAIL_PORT: String(await freePort()),
    });
    expect(await other.exited).toBe(1);
    expect(other.output()).toMatch(/Another Upstate \(pid \d+\) is already using/);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('names the port when it is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(ports.edge, '127.0.0.1', () => r()));
    try {
      const run = start();
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${ports.edge} (edge server) is already in use`);
      expect(run.output()).toContain('UPSTATE_EDGE_PORT');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('names a bad port variable in one line instead of printing a stack trace', async () => {
    // Act
    const run = start([], { UPSTATE_EDGE_PORT: 'eighty' });
    // Assess
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      'Cannot start: Invalid environment: UPSTATE_EDGE_PORT: must be a port number from 1 to 65535 (got "eighty")',
    );
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});
