import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import type { AstroIntegration, AstroUserConfig } from 'astro';
import { defineConfig } from 'astro/config';
import upstateAdapter from './adapter/index.ts';

// A theme is a layout, a stylesheet and the parts it overrides. Every page here is injected into
// every theme, so a page added to `themes/base/src/pages` appears in all of them; a theme replaces
// a page by having the same file under its own `src/pages`, and replaces a component or adds its
// layout under its own `src/` (imported everywhere as `@theme/<path>`, so one override reaches every
// page that uses it).

const baseSrc = fileURLToPath(new URL('./', import.meta.url));
const basePages = join(baseSrc, 'pages');
const basePublic = fileURLToPath(new URL('../public/', import.meta.url));
const overridePrefix = '@theme/';

export interface ThemeOptions {
  /** The theme's name: its hashed assets go to `assets/<name>/`. */
  name: string;
  /** The theme's `astro.config.mjs` (`import.meta.url`). */
  config: string;
}

function astroFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.astro'))
    .map((f) => f.split(sep).join('/'))
    .sort();
}

/** `history/[page].astro` → `/history/[page]`; `index.astro` → `/`. */
export function routePattern(file: string): string {
  const path = file.replace(/\.astro$/, '').replace(/(^|\/)index$/, '');
  return `/${path}`;
}

/** The base pages a theme gets: all of them but those it has its own file for. */
export function injectedPages(themeSrc: string): { pattern: string; entrypoint: string }[] {
  return astroFiles(basePages)
    .filter((file) => !existsSync(join(themeSrc, 'pages', file)))
    .map((file) => ({ pattern: routePattern(file), entrypoint: join(basePages, file) }));
}

/** Resolves `@theme/<path>` to the theme's own file, else the base's. */
export function resolveOverride(themeSrc: string, id: string): string | undefined {
  if (!id.startsWith(overridePrefix)) return undefined;
  const rel = id.slice(overridePrefix.length);
  for (const dir of [themeSrc, baseSrc]) {
    const file = join(dir, rel);
    if (relative(dir, file).startsWith('..')) break;
    if (existsSync(file)) return file;
  }
  throw new Error(`${id}: neither the theme nor @upstate/theme-base has src/${rel}`);
}

function upstateTheme(themeSrc: string): AstroIntegration {
  return {
    name: '@upstate/theme-base',
    hooks: {
      'astro:config:setup': ({ injectRoute }) => {
        if (!existsSync(join(themeSrc, 'layouts', 'Layout.astro')))
          throw new Error(`a theme needs src/layouts/Layout.astro (looked in ${themeSrc})`);
        for (const page of injectedPages(themeSrc)) injectRoute(page);
      },
    },
  };
}

/**
 * The whole `astro.config.mjs` of a theme.
 * @example export default defineTheme({ name: 'default', config: import.meta.url });
 */
export function defineTheme(options: ThemeOptions): AstroUserConfig {
  const root = fileURLToPath(new URL('./', options.config));
  const themeSrc = join(root, 'src');
  // UPSTATE_STATIC=1 builds one tenant as plain static HTML (the equivalence test and CLI fallback).
  const isStatic = process.env.UPSTATE_STATIC === '1';
  return defineConfig({
    output: isStatic ? 'static' : 'server',
    ...(isStatic ? {} : { adapter: upstateAdapter() }),
    outDir: process.env.UPSTATE_OUT_DIR ?? './dist',
    publicDir: existsSync(join(root, 'public')) ? './public' : basePublic,
    trailingSlash: 'ignore',
    build: { format: 'directory', assets: `assets/${options.name}`, inlineStylesheets: 'never' },
    compressHTML: true,
    image: { service: { entrypoint: 'astro/assets/services/noop' } },
    devToolbar: { enabled: false },
    integrations: [upstateTheme(themeSrc)],
    vite: {
      plugins: [
        tailwindcss(),
        { name: '@upstate/theme-base:overrides', enforce: 'pre', resolveId: (id) => resolveOverride(themeSrc, id) },
      ],
    },
  });
}
