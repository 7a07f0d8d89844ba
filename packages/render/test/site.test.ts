import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseFeed } from '@rowanmanning/feed-parser';
import { V2IncidentResponse, v2Endpoints } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { renderMarkdown } from '@upstate/theme-base/markdown';
import { describe, expect, it } from 'vitest';
import { budgetBytes, checkBudget } from '../src/budget.ts';
import { renderSite } from '../src/site.ts';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('the rendered site', async () => {
  const snapshot = fixtureSnapshot();
  const files = await renderSite(snapshot);
  const file = (path: string) => {
    const f = files.find((x) => x.path === path);
    if (!f) throw new Error(`missing ${path}`);
    return f;
  };

  it('has every page, feed, sitemap, 404 and the eight Statuspage endpoints with cache classes', () => {
    for (const path of [
      'index.html',
      'history/index.html',
      'uptime/index.html',
      'incidents/inc-past-0/index.html',
      'maintenance/mnt-upcoming/index.html',
      '404.html',
      'feed.rss',
      'feed.atom',
      'history.rss',
      'history.atom',
      'api/v2/incidents/inc-past-0.json',
      'api/v2/incidents/mnt-upcoming.json',
      'sitemap.xml',
      'brand.css',
    ]) {
      expect(file(path).cacheClass).toBe('short');
    }
    const css = files.filter((f) => f.path.endsWith('.css') && f.path.startsWith('assets/default/'));
    expect(css).toHaveLength(1);
    expect(css[0]?.cacheClass).toBe('immutable');
    expect(decode(file('index.html').body)).toContain(`href="/${css[0]?.path}"`);
    expect(Object.keys(v2Endpoints).every((p) => files.some((f) => f.path === p))).toBe(true);
  });

  it('links brand.css with a version that follows the brand colour, so browsers never keep an old brand', async () => {
    const href = (html: string) => /<link rel="stylesheet" href="(\/brand\.css[^"]*)"/.exec(html)?.[1];
    const text = (body: Uint8Array | undefined) => new TextDecoder().decode(body);
    const before = href(text(file('index.html').body));
    const recoloured = await renderSite({ ...snapshot, branding: { ...snapshot.branding, brandColor: '#7c3aed' } });
    const after = href(text(recoloured.find((f) => f.path === 'index.html')?.body));
    expect(before).toMatch(/^\/brand\.css\?v=1-[0-9a-f]{6}$/);
    expect(after).toBe('/brand.css?v=1-7c3aed');
    expect(after).not.toBe(before);
  });

  it('validates every JSON endpoint against the core shapes and matches the golden files', () => {
    const goldenDir = new URL('./golden/', import.meta.url);
    for (const [path, schema] of Object.entries(v2Endpoints)) {
      const body = JSON.parse(decode(file(path).body));
      expect(schema.safeParse(body).error?.issues ?? []).toEqual([]);
      const golden = new URL(path.replaceAll('/', '__'), goldenDir);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(golden, `${JSON.stringify(body, null, 2)}\n`);
      }
      expect(existsSync(golden), `golden file for ${path} (run with UPDATE_GOLDEN=1 to create)`).toBe(true);
      expect(body).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
    }
  });

  it("advertises Statuspage's feed paths, /history.rss and /history.atom, on every page", () => {
    // The embed frame is a fragment for other sites, not a page of the site.
    for (const page of files.filter((f) => f.path.endsWith('.html') && !f.path.startsWith('embed/'))) {
      const html = decode(page.body);
      expect(html).toContain(
        '<link rel="alternate" type="application/rss+xml" title="Acme Cloud status (RSS)" href="/history.rss">',
      );
      expect(html).toContain(
        '<link rel="alternate" type="application/atom+xml" title="Acme Cloud status (Atom)" href="/history.atom">',
      );
    }
    expect(decode(file('history.atom').body)).toBe(
      decode(file('feed.atom').body).replace('/feed.atom"', '/history.atom"'),
    );
  });

  it('serves /api/v2/incidents/{id}.json for every incident and maintenance', () => {
    for (const item of [...snapshot.incidents, ...snapshot.maintenances]) {
      const body = JSON.parse(decode(file(`api/v2/incidents/${item.id}.json`).body));
      expect(V2IncidentResponse.safeParse(body).error?.issues ?? []).toEqual([]);
      expect(body.incident.id).toBe(item.id);
    }
  });

  it('publishes feeds that a real feed parser reads', () => {
    const rss = parseFeed(decode(file('feed.rss').body));
    const atom = parseFeed(decode(file('feed.atom').body));
    expect(rss.title).toBe('Acme Cloud status');
    expect(rss.items.length).toBe(snapshot.incidents.length + snapshot.maintenances.length);
    expect(atom.items.map((i) => i.url)).toContain('https://acme.status.example.com/incidents/inc-past-0/');
  });

  it('states the tenant time zone on timestamps and links the uptime formula', () => {
    const html = decode(file('incidents/inc-past-0/index.html').body);
    expect(html).toMatch(/GMT\+1|CET/);
    expect(decode(file('index.html').body)).toContain('href="/uptime/"');
    expect(decode(file('uptime/index.html').body)).toContain('How we compute uptime');
  });

  it('gives every bar screen-reader text with date, uptime and incidents', () => {
    const html = decode(file('index.html').body);
    expect(html).toMatch(
      /<li tabindex="0" class="[a-z]+"><span>[A-Z][a-z]{2} \d{1,2}, \d{4}: (no data|[\d.]+% uptime), (no incidents|\d+ incidents?: [^<]+)<\/span><\/li>/,
    );
  });

  it.each(['default', 'compact'] as const)(
    'theme %s keeps index.html + CSS within the gzip budget with zero JS',
    async (theme) => {
      const result = await checkBudget(theme);
      expect(result.jsBytes).toBe(0);
      expect(result.bytes).toBeLessThanOrEqual(budgetBytes);
    },
  );
});

describe('Markdown is rendered to a safe subset', () => {
  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '<a href="https://e.com" onclick="x()">y</a>',
    '<iframe src="https://evil.example"></iframe>',
    '![x](https://e.com/x.png" onerror="alert(1))',
  ])('%s renders inert', (source) => {
    const html = renderMarkdown(source);
    expect(html).not.toMatch(/<(script|img|iframe|object|embed|svg|style)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
  });

  it('keeps formatting and marks links nofollow noopener', () => {
    const html = renderMarkdown('**bold** and [docs](https://docs.example.com)\n\n- a\n- b');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://docs.example.com" rel="nofollow noopener">docs</a>');
    expect(html).toContain('<li>a</li>');
  });
});
