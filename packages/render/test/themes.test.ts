import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { describe, expect, it } from 'vitest';
import { themeNames } from '../src/compile.ts';
import { loadTheme, renderSite, themeDir } from '../src/site.ts';

// A third theme is one small package (test/theme-fixture: a layout, a stylesheet, one override),
// found by package resolution like the real ones, and it gets every page of the base.
describe('themes are packages on @upstate/theme-base', async () => {
  const snapshot = fixtureSnapshot();
  snapshot.branding.theme = 'fixture' as never;
  const files = await renderSite(snapshot, { theme: await loadTheme('fixture') });
  const html = (path: string) => new TextDecoder().decode(files.find((f) => f.path === path)?.body);

  it('keeps the fixture theme to a layout, a stylesheet and one component', () => {
    const src = readdirSync(join(themeDir('fixture'), 'src'), { recursive: true, encoding: 'utf8' });
    expect(src.filter((f) => f.includes('.')).sort()).toEqual([
      'components/Badge.astro',
      'layouts/Layout.astro',
      'styles/site.css',
    ]);
  });

  it('renders every base page through the fixture layout, with its override in place', async () => {
    const defaultSnapshot = { ...snapshot, branding: { ...snapshot.branding, theme: 'default' as const } };
    const defaultPaths = (await renderSite(defaultSnapshot)).filter((f) => f.path.endsWith('.html')).map((f) => f.path);
    const pages = files.filter((f) => f.path.endsWith('.html')).map((f) => f.path);
    expect(pages).toEqual(defaultPaths);
    for (const page of pages.filter((p) => !p.startsWith('embed/')))
      expect(html(page)).toContain('data-theme="fixture"');
    expect(pages).toContain('embed/frame/index.html');
    expect(html('index.html')).toMatch(/<mark data-fixture-badge="(ok|minor|major|critical|maint|none)">/);
    expect(html('index.html')).not.toContain('text-sm font-medium text-ok');
  });

  it('ships its own hashed CSS under assets/fixture/, styled with the base tokens', () => {
    const css = files.filter((f) => f.path.startsWith('assets/fixture/') && f.path.endsWith('.css'));
    expect(css).toHaveLength(1);
    expect(css[0]?.cacheClass).toBe('immutable');
    const text = new TextDecoder().decode(css[0]?.body);
    expect(text).toContain('--bar-ok');
    expect(text).toMatch(/\.bg-page\{/);
  });

  it('resolves every production theme by package name, none by directory depth', () => {
    for (const name of themeNames) expect(themeDir(name)).toMatch(new RegExp(`themes/${name}$`));
    expect(themeDir('fixture')).toMatch(/packages\/render\/test\/theme-fixture$/);
  });
});
