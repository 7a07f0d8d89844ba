import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectedPages, resolveOverride, routePattern } from './index.ts';

describe('the theme base', () => {
  it('maps page files to routes', () => {
    expect(routePattern('index.astro')).toBe('/');
    expect(routePattern('404.astro')).toBe('/404');
    expect(routePattern('history/index.astro')).toBe('/history');
    expect(routePattern('history/[page].astro')).toBe('/history/[page]');
  });

  it('gives a theme every base page but those it has its own file for', () => {
    const src = mkdtempSync(join(tmpdir(), 'theme-src-'));
    const all = injectedPages(src).map((p) => p.pattern);
    expect(all).toEqual(expect.arrayContaining(['/', '/404', '/history', '/incidents/[id]', '/maintenance/[id]']));
    mkdirSync(join(src, 'pages'));
    writeFileSync(join(src, 'pages', 'index.astro'), '');
    expect(injectedPages(src).map((p) => p.pattern)).toEqual(all.filter((p) => p !== '/'));
  });

  it('resolves @theme/ to the theme first, the base second, and refuses what neither has', () => {
    const src = mkdtempSync(join(tmpdir(), 'theme-src-'));
    mkdirSync(join(src, 'components'));
    writeFileSync(join(src, 'components', 'Badge.astro'), '');
    expect(resolveOverride(src, '@theme/components/Badge.astro')).toBe(join(src, 'components', 'Badge.astro'));
    expect(resolveOverride(src, '@theme/components/Bars.astro')).toMatch(/themes\/base\/src\/components\/Bars\.astro$/);
    expect(() => resolveOverride(src, '@theme/components/Nope.astro')).toThrow(/neither the theme nor/);
    expect(() => resolveOverride(src, '@theme/../../etc/passwd')).toThrow();
    expect(resolveOverride(src, 'astro/config')).toBeUndefined();
  });
});
