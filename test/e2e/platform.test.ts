import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { cacheControl, siteKey } from '@upstate/aws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  httpGet,
  launchChromium,
  poll,
  repoRoot,
  screenshotsDir,
  startTestPlatform,
  type TestPlatform,
} from './support.ts';

const customDomain = 'status.e2e-customer.test';
let t: TestPlatform;
let browser: Browser;
const latencies: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestPlatform();
  browser = await launchChromium([customDomain]);
});

afterAll(async () => {
  await browser?.close();
  await t?.dispose();
  if (Object.keys(latencies).length) {
    mkdirSync(join(repoRoot, 'artifacts'), { recursive: true });
    writeFileSync(join(repoRoot, 'artifacts', 'e2e-latency.json'), `${JSON.stringify(latencies, null, 2)}\n`);
  }
});

const demoUrl = (path = '/') => `http://demo.localhost:${t.ports.edge}${path}`;

/** Opens a page, recording console errors and every request that leaves the page's origin. */
async function open(url: string) {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const foreign: string[] = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, response, consoleErrors, foreign };
}

/** The element's text with whitespace collapsed (textContent: collapsed groups count too). */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ');
}

async function reloadUntil(page: Page, check: () => Promise<boolean>, what: string) {
  return poll(
    async () => {
      await page.reload({ waitUntil: 'load' });
      return (await check()) ? true : undefined;
    },
    what,
    30_000,
  );
}

describe('the demo page', () => {
  it('renders components in groups, 90-day bars with bad days, incidents and maintenance, with no JS', async () => {
    const { page, response, consoleErrors, foreign } = await open(demoUrl());
    expect(response?.status()).toBe(200);
    const text = await textOf(page, 'body');
    for (const name of [
      'Core platform',
      'Data',
      'Website',
      'REST API',
      'Dashboard',
      'Database',
      'Search',
      'Webhooks',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain('Delayed webhook deliveries');
    expect(text).toContain('Database upgrade');

    const bars = page.locator('ul.bars');
    expect(await bars.count()).toBeGreaterThanOrEqual(7);
    expect(await bars.first().locator('li').count()).toBe(90);
    // The seeded bad days show as coloured bars, and the rest of the history as healthy days.
    expect(await page.locator('ul.bars li.critical').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('ul.bars li.major').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('ul.bars li.ok').count()).toBeGreaterThan(500);

    // Zero JavaScript, nothing from other origins, a clean console.
    expect(await page.locator('script').count()).toBe(0);
    const scripted = await page.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) =>
        [...el.attributes]
          .filter((a) => a.name.startsWith('on') || /^\s*javascript:/i.test(a.value))
          .map((a) => `${el.tagName}[${a.name}]`),
      ),
    );
    expect(scripted).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-encoding']).toBe('br');
    await page.screenshot({ path: join(screenshotsDir, 'demo-home.png'), fullPage: true });
    await page.close();
  });

  it('shows the resolved incident with its full timeline', async () => {
    const { page, consoleErrors, foreign } = await open(demoUrl('/history/'));
    await page.getByRole('link', { name: 'Elevated API error rates' }).first().click();
    await page.waitForLoadState('load');
    const text = await textOf(page, 'main');
    for (const step of ['Investigating', 'Identified', 'Monitoring', 'Resolved', 'Postmortem']) {
      expect(text).toContain(step);
    }
    expect(text).toContain('faulty rate-limiter release');
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.screenshot({ path: join(screenshotsDir, 'demo-incident.png'), fullPage: true });
    await page.close();
  });

  it('serves the tenant 404 page with status 404, and a plain 404 for unknown hosts', async () => {
    const { page, response } = await open(demoUrl('/no/such/page/'));
    expect(response?.status()).toBe(404);
    expect(await page.title()).toContain('Demo Cloud');
    await page.close();
    const unknown = await open(`http://nobody.localhost:${t.ports.edge}/`);
    expect(unknown.response?.status()).toBe(404);
    expect(await textOf(unknown.page, 'body')).toContain('There is no status page at this address');
    await unknown.page.close();
  });

  it('opens /api/v2/summary.json to other origins (a widget on any site can read it)', async () => {
    // A widget on another origin (a second local server, so Chrome's local-network rules do not interfere).
    const widget = createServer((_req, res) => res.end('<!doctype html><title>widget</title>'));
    await new Promise<void>((r) => widget.listen(0, '127.0.0.1', () => r()));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(widget.address() as { port: number }).port}/`);
    const summary = (await page.evaluate(
      async (url) => (await fetch(url)).json(),
      demoUrl('/api/v2/summary.json'),
    )) as { page: { name: string }; components: { name: string }[]; incidents: { name: string }[] };
    expect(summary.page.name).toBe('Demo Cloud');
    expect(summary.components.map((c) => c.name)).toContain('REST API');
    expect(summary.incidents.map((i) => i.name)).toContain('Delayed webhook deliveries');
    await page.close();
    await new Promise<void>((r) => widget.close(() => r()));
    const raw = await httpGet(t.ports.edge, `demo.localhost:${t.ports.edge}`, '/api/v2/summary.json');
    expect(raw.headers['access-control-allow-origin']).toBe('*');
  });

  it('embeds on another site: the notice script shows the open incident, and only /embed/frame/ may be framed', async () => {
    const site = createServer((_req, res) =>
      res.end(
        `<!doctype html><html lang="en"><title>tenant site</title><main><h1>Tenant site</h1>` +
          `<iframe id="ok" title="status" src="${demoUrl('/embed/frame/')}"></iframe>` +
          `<iframe id="denied" title="page" src="${demoUrl('/')}"></iframe></main>` +
          `<script src="${demoUrl('/embed/script.js')}" async></script></html>`,
      ),
    );
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(site.address() as { port: number }).port}/`);
      const notice = page.getByRole('status');
      await notice.waitFor({ timeout: 30_000 });
      expect(await notice.textContent()).toContain('Delayed webhook deliveries');
      const frameText = async (id: string) =>
        (await (await page.$(`#${id}`))?.contentFrame())
          ?.evaluate(() => document.body?.textContent ?? '')
          .catch(() => '');
      await expect.poll(() => frameText('ok'), { timeout: 30_000 }).toContain('Demo Cloud');
      // The page itself refuses to be framed (frame-ancestors 'none', X-Frame-Options: DENY).
      expect(await frameText('denied')).not.toContain('Demo Cloud');
    } finally {
      await page.close();
      await new Promise<void>((r) => site.close(() => r()));
    }
  });
});

describe('an incident through the API', () => {
  it('appears on the public page within seconds, then shows as resolved', async () => {
    const { page } = await open(demoUrl());
    const name = `Checkout errors ${Date.now().toString(36)}`;
    const posted = Date.now();
    const created = await api(t.platform, t.ports.api, 'POST', '/v1/incidents', {
      name,
      impact: 'major',
      body: 'Payments fail for some customers. We are investigating.',
      components: [{ componentId: t.platform.demo.apiComponentId, status: 'partial_outage' }],
    });
    expect(created.status).toBe(201);
    await reloadUntil(page, async () => (await textOf(page, 'body')).includes(name), 'the new incident');
    latencies.incidentVisibleMs = Date.now() - posted;
    expect(await textOf(page, 'body')).toMatch(/REST API ?Partial Outage/i);

    const resolvedAt = Date.now();
    const resolved = await api(t.platform, t.ports.api, 'POST', `/v1/incidents/${created.json.id}/resolve`, {
      body: 'Payments work again.',
    });
    expect(resolved.status).toBe(201);
    const incidentUrl = demoUrl(`/incidents/${created.json.id}/`);
    await page.goto(incidentUrl);
    await reloadUntil(
      page,
      async () => (await textOf(page, 'main')).includes('Payments work again.'),
      'the resolution',
    );
    latencies.resolutionVisibleMs = Date.now() - resolvedAt;
    expect(await textOf(page, 'main')).toContain('Resolved');
    await page.screenshot({ path: join(screenshotsDir, 'incident-resolved.png'), fullPage: true });
    // The browser may keep the home page for its max-age (30 s); a reload revalidates, as a reader's would.
    await page.goto(demoUrl());
    await reloadUntil(
      page,
      async () => !(await textOf(page, 'body')).includes('Payments fail for some customers'),
      'the home page without the active incident',
    );
    expect(await textOf(page, 'body')).toContain(`${name} —`);
    await page.close();
    console.info(
      `e2e latency: incident visible after ${latencies.incidentVisibleMs} ms, resolution after ${latencies.resolutionVisibleMs} ms`,
    );
  });
});

describe('the CDN cache', () => {
  it("keeps serving its copy when nothing invalidates it, and the publish pipeline's invalidation clears it", async () => {
    const host = `demo.localhost:${t.ports.edge}`;
    const { endpoint, bucket } = t.platform.s3;
    const cached = await httpGet(t.ports.edge, host, '/');
    expect(cached.status).toBe(200);

    // Out of band: the object changes in S3 (a plain PUT to s3rver) and nobody invalidates.
    const put = await fetch(`${endpoint}/${bucket}/${siteKey(t.platform.demo.tenantId, 'index.html')}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': cacheControl.short },
      body: '<!doctype html><title>changed behind the CDN</title>',
    });
    expect(put.status).toBe(200);
    const stale = await httpGet(t.ports.edge, host, '/');
    expect(stale.headers['x-cache']).toBe('Hit from upstate-edge');
    expect(stale.body).toBe(cached.body);

    // Through the pipeline: a write publishes a new page and invalidates exactly what changed.
    const name = `Cache check ${Date.now().toString(36)}`;
    expect(
      (await api(t.platform, t.ports.api, 'POST', '/v1/incidents', { name, impact: 'none', body: 'x' })).status,
    ).toBe(201);
    const fresh = await poll(async () => {
      const res = await httpGet(t.ports.edge, host, '/');
      return res.body.includes(name) ? res : undefined;
    }, 'the published page');
    expect(fresh.headers['x-cache']).toBe('Miss from upstate-edge');
    expect(fresh.body).not.toContain('changed behind the CDN');
  });
});

describe('the checker', () => {
  it('probes the demo monitor on its timer and records the result', async () => {
    const monitors = await api(t.platform, t.ports.api, 'GET', '/v1/monitors');
    const [monitor] = monitors.json.data as { id: string; name: string }[];
    expect(monitor?.name).toBe('Website health check');
    const checks = await poll(async () => {
      const res = await api(t.platform, t.ports.api, 'GET', `/v1/monitors/${monitor?.id}/checks`);
      const data = res.json.data as { result: string; statusCode: number | null }[];
      return data.length ? data : undefined;
    }, 'a recorded check');
    expect(checks[0]).toMatchObject({ result: 'up', statusCode: 200 });
  });
});

describe('a custom domain', () => {
  it('is refused before verification and serves the page once the TXT record is found', async () => {
    const before = await api(t.platform, t.ports.api, 'POST', '/v1/domains', { domain: customDomain });
    expect(before.status).toBe(201);
    const refused = await open(`http://${customDomain}:${t.ports.edge}/`);
    expect(refused.response?.status()).toBe(404);
    expect(await textOf(refused.page, 'body')).toContain('There is no status page at this address');
    await refused.page.close();

    // A wrong record does not verify.
    t.dns.txt.set(before.json.txtRecordName as string, [['upstate-verify=someone-else']]);
    const wrong = await api(t.platform, t.ports.api, 'POST', `/v1/domains/${customDomain}/verify`);
    expect(wrong.json.status).toBe('pending');
    expect((await httpGet(t.ports.edge, customDomain, '/')).status).toBe(404);

    t.dns.txt.set(before.json.txtRecordName as string, [[before.json.txtRecordValue as string]]);
    const verified = await api(t.platform, t.ports.api, 'POST', `/v1/domains/${customDomain}/verify`);
    expect(verified.json.status).toBe('verified');
    const served = await open(`http://${customDomain}:${t.ports.edge}/`);
    expect(served.response?.status()).toBe(200);
    expect(await textOf(served.page, 'body')).toContain('Delayed webhook deliveries');
    expect(served.foreign).toEqual([]);
    await served.page.close();
  });
});

describe('a restart', () => {
  it('keeps the data, the demo key and the published page, without seeding again', async () => {
    const name = `Kept across restarts ${Date.now().toString(36)}`;
    const created = await api(t.platform, t.ports.api, 'POST', '/v1/incidents', {
      name,
      impact: 'minor',
      body: 'This must survive a restart.',
    });
    expect(created.status).toBe(201);
    await t.platform.idle();
    const keyBefore = t.platform.demo.apiKey;

    const again = await t.restart();
    expect(again.seeded).toBe(false);
    expect(again.demo.apiKey).toBe(keyBefore);
    const listed = await api(again, t.ports.api, 'GET', `/v1/incidents/${created.json.id}`);
    expect(listed.json.name).toBe(name);
    const { page } = await open(demoUrl());
    expect(await textOf(page, 'body')).toContain(name);
    await page.close();
  });
});
