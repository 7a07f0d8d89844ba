import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir, pidFile } from './data-dir.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'upstate-claim-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
const deadPid = () =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();

const module = new URL('./data-dir.ts', import.meta.url).pathname;

/** A separate process that claims `dir`, holds it for a while, and says whether it won. */
function claimant(dir: string, at: number) {
  // Every claimant waits for the same instant, so the claims really race.
  const script = `import { claimDataDir } from ${JSON.stringify(module)};
while (Date.now() < ${at}) {}
try { claimDataDir(${JSON.stringify(dir)}); console.log('won'); setTimeout(() => {}, 1500); }
catch (error) { console.log(error.code === 'conflict' ? 'lost' : 'error ' + error.message); }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise<string>((resolve) => child.once('exit', () => resolve(out.trim())));
}

// Issue 14 item 16: two starts on one data folder at the same moment: exactly one may win.
describe('claimDataDir', () => {
  it.each(['an empty folder', 'a stale pid file'])(
    'lets exactly one of several simultaneous starts claim %s',
    async (state) => {
      // Prepare
      const dir = tempDir();
      if (state === 'a stale pid file') writeFileSync(join(dir, pidFile), deadPid());
      // Act
      const at = Date.now() + 3000;
      const results = await Promise.all(Array.from({ length: 6 }, () => claimant(dir, at)));
      // Assess
      expect(
        results.filter((r) => r === 'won'),
        results.join(','),
      ).toHaveLength(1);
      expect(results.filter((r) => r === 'lost')).toHaveLength(5);
    },
    30_000,
  );

  it('takes over a pid file whose process is gone, and refuses one whose process lives', () => {
    // Prepare: the pid of a process that has exited
    const dir = tempDir();
    writeFileSync(join(dir, pidFile), deadPid());
    // Act + Assess
    claimDataDir(dir);
    expect(readFileSync(join(dir, pidFile), 'utf8')).toBe(String(process.pid));
    const other = tempDir();
    writeFileSync(join(other, pidFile), String(process.ppid));
    expect(() => claimDataDir(other)).toThrow(/Another Upstate \(pid \d+\) is already using/);
  });
});
