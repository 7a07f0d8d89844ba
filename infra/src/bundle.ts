import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda entry modules, each bundled into one ESM file. */
export const lambdaEntries = {
  api: join(repo, 'apps/api/src/lambda.ts'),
  publisher: join(repo, 'apps/publisher/src/lambda.ts'),
  checker: join(repo, 'apps/checker/src/lambda.ts'),
} as const;
export type BundleName = keyof typeof lambdaEntries;

/**
 * Size budgets of the minified bundles, in bytes. Cold starts grow with bundle size; these sit
 * roughly 25% above the measured size so a new heavy dependency fails the test instead of slipping in.
 */
export const bundleBudgets: Record<BundleName, number> = {
  api: 1_600_000,
  publisher: 3_000_000,
  checker: 900_000,
};

export interface Bundle {
  name: BundleName;
  /** Directory holding `index.mjs` (and its source map); archived as the Lambda's code. */
  dir: string;
  bytes: number;
}

/**
 * Bundles one Lambda with esbuild (ESM, Node 24, minified). The AWS SDK is bundled too: the
 * runtime's copy lags behind, and CloudFront's distribution-tenant commands are recent.
 */
export function bundleLambda(name: BundleName, outdir: string, entry: string = lambdaEntries[name]): Bundle {
  const dir = join(outdir, 'bundles', name);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.mjs');
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'error',
    // Some dependencies are CommonJS and call require(); ESM output needs one defined.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  return { name, dir, bytes: statSync(outfile).size };
}
