import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * Size budgets in bytes of each Lambda's code (the minified bundle plus the compiled themes it
 * loads; source maps excluded). Cold starts grow with code size; each sits about 25% above the
 * size measured when it was set, so a new heavy dependency fails the test instead of slipping in.
 */
export const bundleBudgets: Record<BundleName, number> = {
  api: 1_800_000,
  publisher: 5_200_000,
  checker: 1_450_000,
};

export interface Bundle {
  name: BundleName;
  /** Directory archived as the Lambda's code. */
  dir: string;
  /** Module path inside the archive, without extension: the Lambda handler is `${handlerPath}.${export}`. */
  handlerPath: string;
  /** Code size: every file in `dir` except source maps. */
  bytes: number;
}

// @upstate/render finds a compiled theme by package resolution (`@upstate/theme-<name>/package.json`)
// from its own module, which bundled is the handler: each theme is packaged as
// `node_modules/@upstate/theme-<name>/{package.json,dist/}` at the archive root, where Node finds it.
const renderingHandlerPath = 'app/src/lambda/index';

/** Where a rendering bundle packages a compiled theme. */
export const themePackageDir = (bundleDir: string, theme: string) =>
  join(bundleDir, 'node_modules', '@upstate', `theme-${theme}`);

function codeBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => !f.endsWith('.map') && statSync(f).isFile())
    .reduce((sum, f) => sum + statSync(f).size, 0);
}

/**
 * Bundles one Lambda with esbuild (ESM, Node 24, minified). The AWS SDK is bundled too: the
 * runtime's copy lags behind, and CloudFront's distribution-tenant commands are recent.
 * `themes` copies those compiled Astro themes (server and client output) into the archive.
 */
export function bundleLambda(
  name: BundleName,
  outdir: string,
  entry: string = lambdaEntries[name],
  options: { themes?: readonly string[] } = {},
): Bundle {
  const dir = join(outdir, 'bundles', name);
  rmSync(dir, { recursive: true, force: true });
  const handlerPath = options.themes?.length ? renderingHandlerPath : 'index';
  const outfile = join(dir, `${handlerPath}.mjs`);
  mkdirSync(join(outfile, '..'), { recursive: true });
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
  for (const theme of options.themes ?? []) {
    for (const part of ['server', 'client']) {
      const from = join(repo, 'themes', theme, 'dist', part);
      if (!statSync(from, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error(
          `Theme ${theme} is not compiled (${from} missing): run \`node packages/render/src/cli.ts compile\``,
        );
      }
      cpSync(from, join(themePackageDir(dir, theme), 'dist', part), { recursive: true });
    }
    writeFileSync(
      join(themePackageDir(dir, theme), 'package.json'),
      `${JSON.stringify({ name: `@upstate/theme-${theme}`, private: true, type: 'module' })}\n`,
    );
  }
  return { name, dir, handlerPath, bytes: codeBytes(dir) };
}
