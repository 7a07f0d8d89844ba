import { AxeBuilder } from '@axe-core/playwright';
import { recordingPublishTrigger } from '@upstate/api';
import { startApiServer } from '@upstate/api/node';
import { createTestStore } from '@upstate/store/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support.ts';

// The API reference in a real browser: only the API app is needed, on a free port.

let browser: Browser;
let server: Awaited<ReturnType<typeof startApiServer>>;
let origin: string;

beforeAll(async () => {
  const { store } = await createTestStore();
  server = await startApiServer({
    port: 0,
    deps: { store, publishTrigger: recordingPublishTrigger(), dnsResolver: { resolveTxt: async () => [] } },
  });
  origin = `http://localhost:${server.port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('/docs in Chromium', () => {
  it('renders every operation from same-origin assets only, with no CSP violation, and passes axe', {
    timeout: 300_000,
  }, async () => {
    const page = await (await browser.newContext()).newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    const res = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    await page.locator('h1', { hasText: 'Upstate API' }).waitFor();

    const doc = (await (await fetch(`${origin}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const summaries = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.summary ?? ''));
    expect(summaries.length).toBeGreaterThan(30);
    const text = (await page.locator('redoc').textContent()) ?? '';
    for (const summary of summaries) expect(text).toContain(summary);

    expect(
      requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:')),
    ).toEqual([]);
    expect(problems).toEqual([]);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
  });
});
