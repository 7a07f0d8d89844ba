import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, createHarness, type Harness } from '../test/harness.ts';

let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await createHarness();
  b = h.browser();
  await b.signup(h.uniqueSlug('embeds'));
  const res = await b.post('/dashboard/components', {
    name: 'API <img src=x onerror=alert(1)>',
    status: 'partial_outage',
  });
  expect(res.status, res.html).toBe(303);
});

describe('badges and embeds page', () => {
  it('is in the navigation and gives copy-paste snippets for the page URL', async () => {
    const page = await b.get('/dashboard/embeds');
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/dashboard/embeds"');
    const pageUrl = /&lt;script src=&quot;(https?:\/\/[^&]+)\/embed\/script\.js&quot;/.exec(page.html)?.[1];
    expect(pageUrl).toBeTruthy();
    for (const path of ['/badges/status.svg', '/badges/status-dark.svg', '/embed/frame/', '%2Fbadges%2Fstatus.json']) {
      expect(page.html).toContain(path);
    }
    expect(page.html).toMatch(/<textarea id="snippet-script"[^>]*readonly/);
  });

  it('previews the badges as the next publish draws them, tenant text escaped', async () => {
    const page = await b.get('/dashboard/embeds');
    const images = [...page.html.matchAll(/<img src="data:image\/svg\+xml;base64,([^"]+)" alt="([^"]*)"/g)];
    expect(images.length).toBeGreaterThanOrEqual(3);
    const svgs = images.map((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8'));
    expect(svgs.some((s) => s.includes('Partial Outage') && s.includes('API &lt;img'))).toBe(true);
    expect(page.html).not.toContain('<img src=x');
    expect(images.some((m) => m[2]?.includes('Partial Outage'))).toBe(true);
  });

  it('renders the embed frame preview through the theme, sandboxed', async () => {
    const page = await b.get('/dashboard/embeds');
    expect(page.html).toMatch(
      /<iframe class="embed-frame-preview" title="Preview of the status frame" src="\/dashboard\/embeds\/frame-preview"[^>]* sandbox>/,
    );
    const frame = await b.get('/dashboard/embeds/frame-preview');
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(frame.html).toContain('<meta name="robots" content="noindex">');
    expect(frame.html).toContain('href="/dashboard/branding/preview/brand.css');
  });
});
