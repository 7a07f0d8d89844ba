import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDocsAssets } from '@upstate/api/docs';
import { buildSync } from 'esbuild';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The bundles that render pages, so carry the compiled themes: the publisher, and the API for the dashboard's preview. */
export const renderingBundles: readonly BundleName[] = ['api', 'publisher'];

const requireHere = createRequire(import.meta.url);
/** A theme's package directory, found by package name (`@upstate/theme-<name>`) rather than a repository path. */
export const themeSourceDir = (theme: string) => dirname(requireHere.resolve(`@upstate/theme-${theme}/package.json`));

/**
 * Files a bundle's code reads at runtime relative to its own module (`new URL('./x', import.meta.url)`),
 * copied next to the bundled module. Sources are found by package name.
 */
export const moduleFiles: Partial<Record<BundleName, { from: string; to: string }[]>> = {
  api: [{ from: join(dirname(requireHere.resolve('@upstate/dashboard')), 'assets'), to: 'assets' }],
};

/** Where the API's archive carries the API reference's assets, as the Lambda sees it. */
export const docsAssetsDir = '/var/task/docs';

/** The Lambda entry modules, each bundled into one ESM file. */
export const lambdaEntries = {
  // The management API with the dashboard mounted on it (see that file for why one function).
  api: join(repo, 'apps/dashboard/src/lambda.ts'),
  publisher: join(repo, 'apps/publisher/src/lambda.ts'),
  checker: join(repo, 'apps/checker/src/lambda.ts'),
  notifier: join(repo, 'apps/notifier/src/lambda.ts'),
} as const;
export type BundleName = keyof typeof lambdaEntries;

/**
 * Size budgets in bytes of each Lambda's code (the minified bundle plus the compiled themes it
 * loads; source maps excluded). Cold starts grow with code size; each sits about 25% above the
 * size measured when it was set, so a new heavy dependency fails the test instead of slipping in.
 */
export const bundleBudgets: Record<BundleName, number> = {
  // The API plus the dashboard, every compiled theme for its live preview (4.1 MB when set) and the
  // API reference's Redoc bundle (about 1.1 MB).
  api: 6_600_000,
  publisher: 5_200_000,
  checker: 1_450_000,
  // The notify tasks, SES feedback and the reminder (2.2 MB when set: five SDK clients, MIME, the sanitiser).
  notifier: 2_770_000,
};

export interface Bundle {
  name: BundleName;
  /** Directory archived as the Lambda's code. */
  dir: string;
  /** Module path inside the archive, without extension: the Lambda handler is `${handlerPath}.${export}`. */
  handlerPath: string;
  /** Code size: every file in `dir` except source maps. */
  bytes: number;
  /** Workspace source files (never node_modules) with code in the bundle, relative to the repository. */
  sources: string[];
  /** What the bundled module exports: each function's handler is one of them. */
  exports: string[];
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
  const { metafile } = buildSync({
    metafile: true,
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
  for (const file of moduleFiles[name] ?? []) {
    cpSync(file.from, join(outfile, '..', file.to), { recursive: true });
  }
  // The API reference's hashed assets (Redoc), read at runtime from DOCS_ASSETS_DIR (`docsAssetsDir`).
  if (name === 'api') writeDocsAssets(join(dir, 'docs'));
  for (const theme of options.themes ?? []) {
    for (const part of ['server', 'client']) {
      const from = join(themeSourceDir(theme), 'dist', part);
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
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const sources = Object.entries(output?.inputs ?? {})
    .filter(([file, used]) => used.bytesInOutput > 0 && !file.includes('node_modules/'))
    .map(([file]) => relative(repo, join(process.cwd(), file)))
    .sort();
  return { name, dir, handlerPath, bytes: codeBytes(dir), sources, exports: [...(output?.exports ?? [])].sort() };
}

/** Every Lambda bundle of a stage, the rendering ones with every compiled theme (compile them first). */
export function bundleAll(
  outdir: string,
  entries: Record<BundleName, string> = lambdaEntries,
  themes: readonly string[] = [],
): Record<BundleName, Bundle> {
  const names = Object.keys(lambdaEntries) as BundleName[];
  return Object.fromEntries(
    names.map((name) => [
      name,
      bundleLambda(name, outdir, entries[name], renderingBundles.includes(name) ? { themes } : {}),
    ]),
  ) as Record<BundleName, Bundle>;
}
