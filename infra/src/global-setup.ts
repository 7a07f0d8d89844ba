import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureThemes, themeNames } from '@upstate/render';
import type { TestProject } from 'vitest/node';
import { type Bundle, type BundleName, bundleAll } from './bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Lambda bundles built once for the whole run (see `bundleLambda`). */
    bundles: Record<BundleName, Bundle>;
  }
}

export async function setup(project: TestProject) {
  // On a fresh checkout this compiles both Astro themes; later runs find them current.
  await ensureThemes();
  const outdir = mkdtempSync(join(tmpdir(), 'upstate-infra-bundles-'));
  project.provide('bundles', bundleAll(outdir, undefined, themeNames));
  return () => rmSync(outdir, { recursive: true, force: true });
}
