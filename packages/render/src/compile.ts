import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ThemeName } from '@upstate/core';
import { themeDir } from './site.ts';

export const themeNames: readonly ThemeName[] = ThemeName.options;

const require = createRequire(import.meta.url);
const renderSrc = new URL('./', import.meta.url).pathname;
const lockfile = new URL('../../../pnpm-lock.yaml', import.meta.url).pathname;
const skipped = new Set(['dist', 'node_modules', '.astro', '.compile-lock']);

async function hashTree(hash: ReturnType<typeof createHash>, root: string, dir = root): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (skipped.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await hashTree(hash, root, full);
    else if (entry.isFile() && !entry.name.endsWith('.test.ts')) {
      hash.update(relative(root, full));
      hash.update(await readFile(full));
    }
  }
}

/** Hash of everything a compiled theme depends on: its own sources, the theme base, the renderer and the domain core. */
export async function themeSourceHash(name: string): Promise<string> {
  const hash = createHash('sha256');
  const roots = [themeDir(name), themeDir('base'), renderSrc, dirname(require.resolve('@upstate/core'))];
  for (const root of roots) await hashTree(hash, root);
  // Sources alone miss an Astro or Tailwind upgrade: the lockfile pins what builds them.
  hash.update(await readFile(lockfile).catch(() => ''));
  return hash.digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding the theme's build lock. Test runners of several packages (and `npm start`)
 * compile the same theme at once; two `astro build`s in one project clobber each other's output.
 * A lock left by a dead process is taken over.
 */
async function withThemeLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(themeDir(name), '.compile-lock');
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      if (owner && !alive(owner)) await rm(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function astroBuild(name: string, env: Record<string, string>): Promise<number> {
  const dir = themeDir(name);
  const astroBin = join(
    createRequire(join(dir, 'package.json')).resolve('astro/package.json'),
    '..',
    'bin',
    'astro.mjs',
  );
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [astroBin, 'build'], {
      cwd: dir,
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.resume();
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`astro build of theme ${name} exited with ${code}`)),
    );
  });
  return performance.now() - started;
}

const stampFile = (name: string) => join(themeDir(name), 'dist', '.source-hash');

/** `astro build` of one theme (server output through the Upstate adapter), always from source. */
export async function compileTheme(name: string, env: Record<string, string> = {}): Promise<{ ms: number }> {
  return withThemeLock(name, async () => {
    if (!env.UPSTATE_OUT_DIR) await rm(stampFile(name), { force: true });
    const ms = await astroBuild(name, env);
    if (!env.UPSTATE_OUT_DIR) await writeFile(stampFile(name), await themeSourceHash(name));
    return { ms };
  });
}

/**
 * Compiles the theme unless its build is up to date with its sources. Safe to call from several
 * processes at once: they wait for one build instead of racing.
 */
export async function ensureTheme(name: string): Promise<{ compiled: boolean; ms: number }> {
  const current = async () =>
    (await readFile(stampFile(name), 'utf8').catch(() => '')) === (await themeSourceHash(name));
  if (await current()) return { compiled: false, ms: 0 };
  return withThemeLock(name, async () => {
    if (await current()) return { compiled: false, ms: 0 };
    // A build that fails halfway must not leave the old stamp saying its output is current.
    await rm(stampFile(name), { force: true });
    const ms = await astroBuild(name, {});
    await writeFile(stampFile(name), await themeSourceHash(name));
    return { compiled: true, ms };
  });
}

/** Every theme, compiled if needed. */
export async function ensureThemes(): Promise<void> {
  for (const name of themeNames) await ensureTheme(name);
}
