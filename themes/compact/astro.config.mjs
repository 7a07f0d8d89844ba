import tailwindcss from '@tailwindcss/vite';
import upstateAdapter from '@upstate/render/adapter';
import { defineConfig } from 'astro/config';

// UPSTATE_STATIC=1 builds one tenant as plain static HTML (the equivalence test and CLI fallback).
const isStatic = process.env.UPSTATE_STATIC === '1';

export default defineConfig({
  output: isStatic ? 'static' : 'server',
  ...(isStatic ? {} : { adapter: upstateAdapter() }),
  outDir: process.env.UPSTATE_OUT_DIR ?? './dist',
  trailingSlash: 'ignore',
  build: { format: 'directory', assets: 'assets/compact', inlineStylesheets: 'never' },
  compressHTML: true,
  image: { service: { entrypoint: 'astro/assets/services/noop' } },
  telemetry: false,
  devToolbar: { enabled: false },
  vite: { plugins: [tailwindcss()] },
});
