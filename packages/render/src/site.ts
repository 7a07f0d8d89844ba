import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  contrastRatio,
  incidentFiles,
  readableBrandColor,
  statuspageV2Files,
  type TenantSnapshot,
} from '@upstate/core';
import { historyPageCount } from '@upstate/theme-base/view';
import { badgeFiles } from './badges.ts';
import { embedScript } from './embed.ts';
import { buildFeeds, feedNames } from './feeds.ts';

export interface SiteFile {
  /** Tenant files: relative to the site root. Immutable assets: `assets/<theme>/...`, shared at the bucket root. */
  path: string;
  body: Uint8Array;
  contentType: string;
  cacheClass: 'immutable' | 'short';
}

export interface CompiledTheme {
  name: string;
  dir: string;
  render(request: Request, snapshot: TenantSnapshot): Promise<Response>;
  /** Hashed CSS and other build assets, loaded once. */
  assets: SiteFile[];
}

const require = createRequire(import.meta.url);
/** Package of a theme: `@upstate/theme-<name>`, found by package resolution from this module. */
export const themePackage = (name: string) => `@upstate/theme-${name}`;
export const themeDir = (name: string) => dirname(require.resolve(`${themePackage(name)}/package.json`));

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.js': 'text/javascript; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const typeOf = (path: string) => contentTypes[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(entry.parentPath ?? dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

const loaded = new Map<string, Promise<CompiledTheme>>();

/** Loads a compiled theme (run `compileTheme` first); cached per process. */
export function loadTheme(name: string): Promise<CompiledTheme> {
  let theme = loaded.get(name);
  if (!theme) {
    theme = (async () => {
      const dir = themeDir(name);
      const entry = join(dir, 'dist/server/entry.mjs');
      const mod = (await import(pathToFileURL(entry).href)) as { render: CompiledTheme['render'] };
      const clientDir = join(dir, 'dist/client');
      const assets: SiteFile[] = [];
      for (const file of await listFiles(clientDir)) {
        const rel = relative(clientDir, file);
        // Hashed build output is shared by every tenant of the theme; other public files are per site.
        const shared = rel.startsWith(`assets/${name}/`);
        assets.push({
          path: rel,
          body: await readFile(file),
          contentType: typeOf(rel),
          cacheClass: shared ? 'immutable' : 'short',
        });
      }
      return { name, dir, render: mod.render, assets };
    })();
    loaded.set(name, theme);
    theme.catch(() => loaded.delete(name));
  }
  return theme;
}

const encoder = new TextEncoder();
const text = (path: string, body: string, contentType: string): SiteFile => ({
  path,
  body: encoder.encode(body),
  contentType,
  cacheClass: 'short',
});

/** A readable shade of the brand colour on the dark background (lightened until AA passes). */
function darkVariant(hex: string): string {
  const rgb = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  for (let f = 0; f <= 1; f += 0.05) {
    const mixed = `#${rgb
      .map((v) =>
        Math.round(v + (255 - v) * f)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')}`;
    if (contrastRatio(mixed, '#111827') >= 4.5) return mixed;
  }
  return '#e5e7eb';
}

/** The per-tenant `brand.css` (also served by the dashboard's live preview). */
export function brandCss(brandColor: string): string {
  // Validated on write, but the renderer never trusts snapshot text inside CSS.
  const brand = /^#[0-9a-f]{6}$/i.test(brandColor) ? readableBrandColor(brandColor) : '#2563eb';
  return `:root{--brand:${brand};--brand-solid:${brand};--brand-dark:${darkVariant(brand)}}\n`;
}

/** The iframe variant of the embed: the one page other sites may frame. */
export const embedFramePath = '/embed/frame/';

/** The tenant's pages, in the order a publish renders them. */
export function sitePages(snapshot: TenantSnapshot): string[] {
  const pages = ['/', '/history/', '/uptime/', embedFramePath];
  if (snapshot.subscribeUrl) pages.push('/subscribe/');
  for (let p = 2; p <= historyPageCount(snapshot); p++) pages.push(`/history/${p}/`);
  for (const i of snapshot.incidents) pages.push(`/incidents/${encodeURIComponent(i.id)}/`);
  for (const m of snapshot.maintenances) pages.push(`/maintenance/${encodeURIComponent(m.id)}/`);
  return pages;
}

export async function renderPage(
  snapshot: TenantSnapshot,
  pathname: string,
  theme?: CompiledTheme,
): Promise<{ status: number; html: string }> {
  const t = theme ?? (await loadTheme(snapshot.branding.theme));
  const res = await t.render(new Request(new URL(pathname, 'http://tenant.invalid')), snapshot);
  return { status: res.status, html: await res.text() };
}

/**
 * Every file of a tenant's site: HTML through the compiled theme, feeds, sitemap, the Statuspage
 * v2 JSON, the per-tenant brand CSS, and the theme's shared hashed assets. No I/O beyond the theme.
 */
export async function renderSite(
  snapshot: TenantSnapshot,
  options: { theme?: CompiledTheme } = {},
): Promise<SiteFile[]> {
  const theme = options.theme ?? (await loadTheme(snapshot.branding.theme));
  const files: SiteFile[] = [...theme.assets];
  const pages = sitePages(snapshot);
  for (const page of pages) {
    const { status, html } = await renderPage(snapshot, page, theme);
    if (status !== 200) throw new Error(`theme ${theme.name} answered ${status} for ${page}`);
    files.push(text(`${page.slice(1)}index.html`, html, 'text/html; charset=utf-8'));
  }
  const notFound = await renderPage(snapshot, '/404', theme);
  files.push(text('404.html', notFound.html, 'text/html; charset=utf-8'));

  files.push(text('brand.css', brandCss(snapshot.branding.brandColor), 'text/css; charset=utf-8'));

  // Statuspage's feed paths (history.*), which its pages advertise and many readers hard-code,
  // and the original feed.* paths, each naming itself as its self link.
  for (const name of feedNames) {
    const feeds = buildFeeds(snapshot, name);
    files.push(text(`${name}.rss`, feeds.rss, 'application/rss+xml; charset=utf-8'));
    files.push(text(`${name}.atom`, feeds.atom, 'application/atom+xml; charset=utf-8'));
  }

  const urls = pages
    .filter((p) => p !== embedFramePath)
    .map((p) => `<url><loc>${snapshot.baseUrl}${p}</loc></url>`)
    .join('');
  files.push(
    text(
      'sitemap.xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>\n`,
      'application/xml; charset=utf-8',
    ),
  );
  files.push(
    text(
      'robots.txt',
      `User-agent: *\nAllow: /\nSitemap: ${snapshot.baseUrl}/sitemap.xml\n`,
      'text/plain; charset=utf-8',
    ),
  );

  for (const badge of badgeFiles(snapshot)) files.push(text(badge.path, badge.body, badge.contentType));
  files.push(text('embed/script.js', embedScript, 'text/javascript; charset=utf-8'));

  const v2 = { ...statuspageV2Files(snapshot), ...incidentFiles(snapshot) };
  for (const [path, body] of Object.entries(v2)) {
    files.push(text(path, JSON.stringify(body), 'application/json; charset=utf-8'));
  }
  return files;
}
