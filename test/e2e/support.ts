import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DnsResolver } from '@upstate/api';
import { freePort, type Platform, startPlatform } from '@upstate/local';
import { type Browser, chromium } from 'playwright-core';

export const repoRoot = new URL('../../', import.meta.url).pathname;
/** Git-ignored (artifacts/ is in .gitignore). */
export const screenshotsDir = join(repoRoot, 'artifacts', 'screenshots', 'e2e');

/** A TXT resolver tests fill in, standing in for DNS during custom-domain verification. */
export function stubDns(): DnsResolver & { txt: Map<string, string[][]> } {
  const txt = new Map<string, string[][]>();
  return {
    txt,
    async resolveTxt(name) {
      const records = txt.get(name);
      if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return records;
    },
  };
}

export interface TestPlatform {
  platform: Platform;
  dataDir: string;
  ports: { api: number; edge: number };
  dns: ReturnType<typeof stubDns>;
  /** Stops the platform, keeping the data (for restart tests). */
  stop(): Promise<void>;
  restart(): Promise<Platform>;
  /** Stops the platform and deletes its data. */
  dispose(): Promise<void>;
}

/**
 * The whole platform on free ports with a temporary data folder. The day-rollover publish is held
 * back so that no background publish invalidates the CDN while a test watches it.
 */
export async function startTestPlatform(): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'upstate-e2e-'));
  const ports = { api: await freePort(), edge: await freePort() };
  const dns = stubDns();
  const start = () =>
    startPlatform({
      dataDir,
      ports,
      quiet: true,
      dnsResolver: dns,
      timers: { checkMs: 2000, reconcileMs: 2000, rolloverMs: 3_600_000 },
    });
  let running: Platform | undefined = await start();
  const handle: TestPlatform = {
    platform: running,
    dataDir,
    ports,
    dns,
    async stop() {
      await running?.close();
      running = undefined;
    },
    async restart() {
      await handle.stop();
      running = await start();
      handle.platform = running;
      return running;
    },
    async dispose() {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Chromium with every *.localhost and the given test domains mapped to this machine. */
export async function launchChromium(extraHosts: string[] = []): Promise<Browser> {
  mkdirSync(screenshotsDir, { recursive: true });
  const rules = [
    'MAP *.localhost 127.0.0.1',
    'MAP localhost 127.0.0.1',
    ...extraHosts.map((h) => `MAP ${h} 127.0.0.1`),
  ];
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${rules.join(', ')}`,
    ],
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to 127.0.0.1 with any Host header (Node's fetch cannot set Host, and does not resolve *.localhost). */
export function httpGet(port: number, host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

/** The management API with the demo key. */
export async function api(
  platform: Platform,
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${platform.demo.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Repeats `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function poll<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The newest link to `path` (e.g. `/verify`) mailed to `to`, read from the platform's SES stand-in. */
export const mailedLink = (platform: Platform, to: string, path: string) =>
  poll(async () => {
    for (const m of [...(await platform.mail.messages())].reverse()) {
      const link = m.to.includes(to)
        ? new RegExp(`https?://\\S+/dashboard${path}\\?token=[\\w-]+`).exec(m.text)?.[0]
        : undefined;
      if (link) return link;
    }
    return undefined;
  }, `a ${path} link mailed to ${to}`);

/** Signs up in the dashboard and opens the verification link from the mailbox, as a person would. */
export async function signUpInDashboard(
  t: TestPlatform,
  page: import('playwright-core').Page,
  o: { slug: string; email: string; name: string },
) {
  await page.goto(`http://localhost:${t.ports.api}/dashboard/signup`);
  await page.getByLabel('Company name').fill(o.name);
  await page.getByLabel('Page address').fill(o.slug);
  await page.getByLabel('Work email').fill(o.email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.goto(await mailedLink(t.platform, o.email, '/verify'));
  await page.getByRole('button', { name: 'Confirm and create my page' }).click();
  await page.getByRole('heading', { name: 'Your page is live' }).waitFor();
}
