import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { TenantSnapshot, ThemeName } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { Parser } from 'htmlparser2';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeFiles } from '../src/badges.ts';
import { renderSite, type SiteFile } from '../src/site.ts';

// Real Chromium: axe-core finds no violations, tenant XSS payloads stay inert, and screenshots
// of both themes go to artifacts/screenshots for a person to look at.

const screenshots = new URL('../../../artifacts/screenshots/', import.meta.url).pathname;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

/** Serves rendered files like the edge would, but deliberately WITHOUT a CSP: the HTML itself must be inert. */
async function serve(files: SiteFile[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').slice(1);
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const file = files.find((f) => f.path === path) ?? files.find((f) => f.path === '404.html');
    res.statusCode = files.some((f) => f.path === path) ? 200 : 404;
    res.setHeader('content-type', file?.contentType ?? 'text/plain');
    // As the edge does: the v2 API is open to other origins (the embed reads summary.json).
    if (path.startsWith('api/v2/')) res.setHeader('access-control-allow-origin', '*');
    res.end(file?.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function themed(theme: ThemeName, scheme: 'light' | 'dark'): TenantSnapshot {
  const snapshot = fixtureSnapshot();
  snapshot.branding.theme = theme;
  snapshot.branding.colorScheme = scheme;
  // The page takes email subscriptions: its /subscribe/ form is checked like every other page.
  snapshot.subscribeUrl = 'https://api.example.com/public/pages/acme/subscribe';
  return snapshot;
}

describe.each(['default', 'compact'] as const)('theme %s', (theme) => {
  it.each(['light', 'dark'] as const)(
    'has no axe violations on /, an incident page, /history/, the embed frame and /subscribe/ (%s)',
    async (scheme) => {
      const { url, server } = await serve(await renderSite(themed(theme, scheme)));
      try {
        for (const [width, label] of [
          [1280, 'desktop'],
          [390, 'mobile'],
        ] as const) {
          const context = await browser.newContext({ viewport: { width, height: 900 } });
          const page = await context.newPage();
          for (const path of ['/', '/incidents/inc-active-0/', '/history/', '/embed/frame/', '/subscribe/']) {
            await page.goto(url + path);
            if (width === 1280) {
              const result = await new AxeBuilder({ page }).analyze();
              expect({
                path,
                violations: result.violations.map(
                  (v) =>
                    `${v.id}: ${v.nodes
                      .map((n) => n.target.join(' '))
                      .slice(0, 3)
                      .join(', ')}`,
                ),
              }).toEqual({ path, violations: [] });
            }
            if (path === '/')
              await page.screenshot({ path: `${screenshots}${theme}-${scheme}-${label}.png`, fullPage: true });
          }
          await context.close();
        }
      } finally {
        server.close();
      }
    },
  );
});

describe('the status embed on another site', () => {
  /** A tenant's own site on another origin (127.0.0.1) loading the embed from the status page (localhost). */
  async function hostPage(snapshot: TenantSnapshot) {
    const status = await serve(await renderSite(snapshot));
    const statusOrigin = status.url.replace('127.0.0.1', 'localhost');
    const host = createServer((_, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><head><title>Tenant site</title></head><body><main><h1>Tenant site</h1></main><script src="${statusOrigin}/embed/script.js" async></script></body></html>`,
      );
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const context = await browser.newContext();
    const page = await context.newPage();
    const close = async () => {
      await context.close();
      status.server.close();
      host.close();
    };
    return { page, statusOrigin, url: `http://127.0.0.1:${(host.address() as AddressInfo).port}/`, close };
  }

  it('shows an accessible notice for an active incident, names as text, dismissible for the session', async () => {
    const snapshot = fixtureSnapshot();
    snapshot.incidents = snapshot.incidents.map((i) => ({
      ...i,
      name: `${i.name} <img src=x onerror="window.__xss=1">`,
    }));
    const { page, statusOrigin, url, close } = await hostPage(snapshot);
    try {
      await page.goto(url);
      const notice = page.getByRole('status');
      await notice.waitFor();
      await expect.poll(() => notice.textContent()).toContain('Active incident: Elevated API error rates <img src=x');
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      const link = notice.getByRole('link');
      expect(await link.getAttribute('href')).toBe(`${statusOrigin}/incidents/inc-active-0/`);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await notice.textContent()).toContain('and 2 more');
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => v.id)).toEqual([]);
      await notice.getByRole('button', { name: 'Dismiss status notice' }).click();
      expect(await page.getByRole('status').count()).toBe(0);
      await page.reload();
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('status').count()).toBe(0);
    } finally {
      await close();
    }
  });

  it('shows a maintenance notice while one is in progress, and nothing when all is well', async () => {
    const quiet = fixtureSnapshot({ activeIncidents: 0 });
    quiet.maintenances = [];
    const calm = await hostPage(quiet);
    try {
      await calm.page.goto(calm.url);
      await calm.page.waitForLoadState('networkidle');
      expect(await calm.page.getByRole('status').count()).toBe(0);
    } finally {
      await calm.close();
    }
    const busy = fixtureSnapshot({ activeIncidents: 0 });
    const [m] = busy.maintenances;
    if (!m) throw new Error('fixture has a maintenance');
    busy.maintenances = [
      { ...m, scheduledFor: '2026-11-20T11:00:00.000Z', scheduledUntil: '2026-11-20T13:00:00.000Z' },
    ];
    const { page, url, close } = await hostPage(busy);
    try {
      await page.goto(url);
      const notice = page.getByRole('status');
      await notice.waitFor();
      expect(await notice.textContent()).toContain(`Maintenance in progress: ${m.name}`);
    } finally {
      await close();
    }
  });
});

describe('status badges in Chromium', () => {
  it('parse as SVG, load as images and pass axe inline, light and dark', async () => {
    const snapshot = fixtureSnapshot();
    const files = badgeFiles(snapshot).filter((f) => f.path.endsWith('.svg'));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.setContent(
        '<!doctype html><html lang="en"><head><title>badges</title></head><body><main><h1>Badges</h1></main></body></html>',
      );
      for (const f of files) {
        const result = await page.evaluate(async (svg) => {
          const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
          const img = new Image();
          img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
          await img.decode().catch(() => undefined);
          return { error: doc.getElementsByTagName('parsererror').length, width: img.naturalWidth };
        }, f.body);
        expect({ path: f.path, ...result }).toEqual({ path: f.path, error: 0, width: expect.any(Number) });
        expect(result.width).toBeGreaterThan(40);
      }
      await page.evaluate(
        (svgs) => {
          const main = document.querySelector('main');
          if (main) main.insertAdjacentHTML('beforeend', svgs.join(''));
        },
        files.map((f) =>
          f.body
            .replace(/id="t"/, `id="t${files.indexOf(f)}"`)
            .replace('aria-labelledby="t"', `aria-labelledby="t${files.indexOf(f)}"`),
        ),
      );
      const result = await new AxeBuilder({ page }).analyze();
      expect(result.violations.map((v) => v.id)).toEqual([]);
      expect(result.passes.map((p) => p.id)).toContain('svg-img-alt');
    } finally {
      await context.close();
    }
  });
});

/** Everything an HTML parser would execute: script elements, on* handlers, script URLs. */
function executable(html: string): string[] {
  const found: string[] = [];
  new Parser({
    onopentag(name, attribs) {
      if (['script', 'iframe', 'object', 'embed'].includes(name)) found.push(`<${name}>`);
      for (const [attr, value] of Object.entries(attribs)) {
        if (/^on/i.test(attr)) found.push(`${name}[${attr}]`);
        if (['href', 'src', 'action', 'formaction'].includes(attr) && /^\s*(javascript|data|vbscript):/i.test(value))
          found.push(`${name}[${attr}=${value}]`);
      }
    },
  }).end(html);
  return found;
}

const payloads = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=1">',
  "'><svg onload=window.__xss=1>",
  'javascript:window.__xss=1',
  '</title><script>window.__xss=1</script>',
  '{{constructor.constructor("window.__xss=1")()}}',
];

describe('untrusted tenant text', () => {
  it.each(['default', 'compact'] as const)(
    'renders every XSS payload inert in %s (HTML and browser)',
    async (theme) => {
      const snapshot = themed(theme, 'light');
      const p = (i: number) => payloads[i % payloads.length] as string;
      snapshot.tenant.name = p(0);
      snapshot.groups = snapshot.groups.map((g, i) => ({ ...g, name: p(i + 1), description: p(i + 2) }));
      snapshot.components = snapshot.components.map((c, i) => ({ ...c, name: p(i), description: p(i + 3) }));
      snapshot.incidents = snapshot.incidents.map((inc, i) => ({
        ...inc,
        name: p(i + 4),
        updates: inc.updates.map((u, j) => ({
          ...u,
          body: `${p(i + j)} [click](javascript:window.__xss=1) <b onmouseover="window.__xss=1">x</b>`,
        })),
      }));
      snapshot.maintenances = snapshot.maintenances.map((m) => ({ ...m, name: p(5) }));
      snapshot.branding.footerLinks = [
        { label: p(1), url: 'javascript:window.__xss=1' },
        { label: p(2), url: 'https://ok.example.com/"><script>window.__xss=1</script>' },
      ];
      snapshot.branding.logoUrl = 'javascript:window.__xss=1';
      snapshot.branding.homepageUrl = 'https://x.example.com/" onmouseover="window.__xss=1';
      const files = await renderSite(snapshot);
      for (const f of files.filter((x) => x.path.endsWith('.html'))) {
        expect({ path: f.path, executable: executable(new TextDecoder().decode(f.body)) }).toEqual({
          path: f.path,
          executable: [],
        });
      }
      const { url, server } = await serve(files);
      const context = await browser.newContext();
      const page = await context.newPage();
      let dialogs = 0;
      page.on('dialog', async (d) => {
        dialogs++;
        await d.dismiss();
      });
      try {
        for (const path of ['/', '/incidents/inc-active-0/', '/history/', '/maintenance/mnt-upcoming/']) {
          await page.goto(url + path);
          await page.hover('body');
          expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
          expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
        }
        expect(dialogs).toBe(0);
        expect(await page.title()).toContain('<script>');
      } finally {
        await context.close();
        server.close();
      }
    },
  );
});
