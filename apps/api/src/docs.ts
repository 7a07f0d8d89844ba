// The API reference at /docs: Redoc (a maintained OpenAPI renderer) reading /openapi.json, served
// from this app as content-hashed files so the page works offline and loads nothing from another
// origin. Redoc reads its options from attributes of the <redoc> element, so the page needs no
// inline script and `script-src 'self'` suffices.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface DocsAsset {
  /** File name under /docs/assets/, with the content hash in it. */
  name: string;
  body: string;
  contentType: string;
}

/** What /docs serves: the renderer bundle, our heading fix-up and the renderer's licence notice. */
export interface DocsAssets {
  renderer: DocsAsset;
  headings: DocsAsset;
  files: DocsAsset[];
}

// Redoc titles an operation with <h2> and its "Request Body schema" with <h5>, so screen-reader
// heading navigation skips levels (axe: heading-order). This gives every heading that jumps more
// than one level below the previous one the level it should have, as Redoc renders.
const headingFix = `(() => {
  let queued = false;
  const fix = () => {
    queued = false;
    let last = 0;
    for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')) {
      const own = Number(h.tagName[1]) || Number(h.getAttribute('aria-level')) || 2;
      if (!h.hasAttribute('data-level')) h.setAttribute('data-level', String(own));
      const wanted = Math.min(Number(h.getAttribute('data-level')), last + 1);
      if (wanted !== own) { h.setAttribute('role', 'heading'); h.setAttribute('aria-level', String(wanted)); }
      last = wanted;
    }
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(fix); } })
    .observe(document.body, { childList: true, subtree: true });
})();
`;

export const docsAssetsPath = '/docs/assets';

/** The manifest written beside built assets (Lambda reads it instead of node_modules). */
const manifestFile = 'manifest.json';

const hashed = (file: string, body: string, contentType: string): DocsAsset => {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { name: `${file.slice(0, dot)}.${hash}${file.slice(dot)}`, body, contentType };
};

// Redoc's sidebar footer always shows its vendor's logo from a CDN; the one cross-origin load in the
// bundle. It becomes an empty inline image (the attribution link stays). A Redoc release that moves
// the URL fails the build here rather than silently loading it.
const vendorLogo = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const emptyImage = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';

/** Reads Redoc's self-contained browser bundle from the installed package and names it by hash. */
export function buildDocsAssets(): DocsAssets {
  const require = createRequire(import.meta.url);
  const bundle = require.resolve('redoc/bundles/redoc.standalone.js');
  const source = readFileSync(bundle, 'utf8');
  if (!source.includes(vendorLogo)) throw new Error(`Redoc no longer references ${vendorLogo}: review docs.ts`);
  const renderer = hashed(
    'redoc.standalone.js',
    source.replaceAll(vendorLogo, emptyImage),
    'text/javascript; charset=utf-8',
  );
  const licence = hashed(
    'redoc.standalone.js.LICENSE.txt',
    readFileSync(`${bundle}.LICENSE.txt`, 'utf8'),
    'text/plain; charset=utf-8',
  );
  const headings = hashed('docs-headings.js', headingFix, 'text/javascript; charset=utf-8');
  return { renderer, headings, files: [renderer, headings, licence] };
}

/** Writes the hashed assets and a manifest into `dir` (infra copies it into the API's Lambda archive). */
export function writeDocsAssets(dir: string, assets: DocsAssets = buildDocsAssets()): string[] {
  mkdirSync(dir, { recursive: true });
  for (const file of assets.files) writeFileSync(join(dir, file.name), file.body);
  const manifest = {
    renderer: assets.renderer.name,
    headings: assets.headings.name,
    files: assets.files.map((f) => ({ name: f.name, contentType: f.contentType })),
  };
  writeFileSync(join(dir, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
  return [...assets.files.map((f) => f.name), manifestFile];
}

/** Loads assets written by `writeDocsAssets` (the Lambda archive has no node_modules). */
export function readDocsAssets(dir: string): DocsAssets {
  const manifest = JSON.parse(readFileSync(join(dir, manifestFile), 'utf8')) as {
    renderer: string;
    headings: string;
    files: { name: string; contentType: string }[];
  };
  const files = manifest.files.map((f) => ({ ...f, body: readFileSync(join(dir, f.name), 'utf8') }));
  const renderer = files.find((f) => f.name === manifest.renderer);
  const headings = files.find((f) => f.name === manifest.headings);
  if (!renderer || !headings) throw new Error(`${join(dir, manifestFile)} names a script it does not list`);
  return { renderer, headings, files };
}

/**
 * The only page of this app that runs script. Redoc injects its styles as <style> elements and runs
 * its search index in a worker made from a blob, hence `'unsafe-inline'` styles and `worker-src blob:`;
 * everything else is same-origin only.
 */
export const docsCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Colours chosen for WCAG AA contrast on Redoc's light backgrounds (its defaults fall short on
// some labels); fonts are the system stack, so nothing is fetched.
const theme = {
  colors: {
    primary: { main: '#1d4ed8' },
    success: { main: '#047857' },
    warning: { main: '#92400e' },
    error: { main: '#b91c1c' },
    text: { primary: '#111827', secondary: '#374151' },
    http: {
      get: '#1d4ed8',
      post: '#047857',
      put: '#92400e',
      patch: '#92400e',
      delete: '#b91c1c',
      options: '#374151',
      head: '#374151',
    },
  },
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
    headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif' },
    code: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', color: '#9a3412' },
  },
  sidebar: { textColor: '#111827', backgroundColor: '#f3f4f6' },
  rightPanel: { backgroundColor: '#1f2937', textColor: '#f9fafb' },
};

const escapeAttr = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** The /docs shell: a <redoc> element pointed at the OpenAPI document, then the hashed renderer. */
export function renderDocsPage(info: { title: string }, assets: DocsAssets, specUrl = '/openapi.json'): string {
  const title = escapeAttr(`${info.title} reference`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${title}</title><meta name="description" content="${title}: every operation with its parameters, schemas and examples">
</head><body>
<noscript><p>The reference needs JavaScript. The machine-readable document is at <a href="${escapeAttr(specUrl)}">${escapeAttr(specUrl)}</a>.</p></noscript>
<main><redoc spec-url="${escapeAttr(specUrl)}" theme="${escapeAttr(JSON.stringify(theme))}" expand-responses="200,201" path-in-middle-panel="true" hide-download-button="false" required-props-first="true" sort-required-props-first="true"></redoc></main>
<script src="${docsAssetsPath}/${escapeAttr(assets.headings.name)}"></script>
<script src="${docsAssetsPath}/${escapeAttr(assets.renderer.name)}"></script>
</body></html>`;
}
