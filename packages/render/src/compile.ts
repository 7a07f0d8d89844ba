import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ThemeName } from '@upstate/core';
import { themeDir } from './site.ts';

export const themeNames: ThemeName[] = ['default', 'compact'];

/** `astro build` of one theme (server output through the Upstate adapter). */
export async function compileTheme(name: ThemeName, env: Record<string, string> = {}): Promise<{ ms: number }> {
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
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`astro build of theme ${name} exited with ${code}`)),
    );
  });
  return { ms: performance.now() - started };
}
