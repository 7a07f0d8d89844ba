#!/usr/bin/env node
// Entry point for `npm start` / `npm test` / `pnpm bench` / `npm run synth` / `npm run deploy`. It must run on an old Node (20) with
// only npm: it installs the pinned Node and pnpm into .toolchain/ (git-ignored), installs the
// workspace with a frozen lockfile, then runs the task under the pinned Node. Each step is skipped
// when already done, so a second run starts straight away.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolchain = join(root, '.toolchain');
const binDir = join(toolchain, 'bin');
const nodeVersion = readFileSync(join(root, '.node-version'), 'utf8').trim();
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.replace(/^pnpm@/, '');

const tasks = {
  start: null, // runs apps/local/src/main.ts directly, see below
  test: ['run', 'check'],
  bench: ['run', 'bench:all'],
  // Deploying: the infra entries run directly under the pinned Node, like `start`. They read the stage
  // from UPSTATE_* variables; `deploy` also needs Terraform or OpenTofu ≥ 1.10 on PATH.
  synth: null,
  deploy: null,
  cost: null,
};
const directEntries = {
  start: ['--openssl-legacy-provider', join(root, 'apps', 'local', 'src', 'main.ts')],
  synth: [join(root, 'infra', 'src', 'main.ts')],
  deploy: [join(root, 'infra', 'src', 'deploy.ts')],
  cost: ['--openssl-legacy-provider', join(root, 'infra', 'src', 'cost.ts')],
};

function say(message) {
  process.stdout.write(`\x1b[2m[upstate]\x1b[0m ${message}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    say(`failed: ${cmd} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

function npmInstall(prefix, spec) {
  mkdirSync(prefix, { recursive: true });
  run('npm', [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    spec,
  ]);
}

function installedVersion(pkgJson) {
  try {
    return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  } catch {
    return undefined;
  }
}

function ensureNode() {
  if (process.versions.node === nodeVersion) return process.execPath;
  const prefix = join(toolchain, 'node');
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (installedVersion(join(prefix, 'node_modules', 'node', 'package.json')) !== nodeVersion || !existsSync(bin)) {
    say(`installing Node ${nodeVersion} into .toolchain/ (system Node is ${process.versions.node})`);
    rmSync(prefix, { recursive: true, force: true });
    npmInstall(prefix, `node@${nodeVersion}`);
  }
  return bin;
}

function ensurePnpm() {
  const prefix = join(toolchain, 'pnpm');
  const pkgDir = join(prefix, 'node_modules', 'pnpm');
  if (installedVersion(join(pkgDir, 'package.json')) !== pnpmVersion) {
    say(`installing pnpm ${pnpmVersion} into .toolchain/`);
    rmSync(prefix, { recursive: true, force: true });
    npmInstall(prefix, `pnpm@${pnpmVersion}`);
  }
  return join(pkgDir, JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).bin.pnpm);
}

function writeShims(node, pnpmEntry) {
  mkdirSync(binDir, { recursive: true });
  const nodeShim = join(binDir, 'node');
  rmSync(nodeShim, { force: true });
  symlinkSync(node, nodeShim);
  writeFileSync(join(binDir, 'pnpm'), `#!/bin/sh\nexec "${node}" "${pnpmEntry}" "$@"\n`, { mode: 0o755 });
}

function lockStamp() {
  const hash = createHash('sha256');
  hash.update(nodeVersion);
  hash.update(readFileSync(join(root, 'pnpm-lock.yaml')));
  for (const dir of ['apps', 'packages', 'themes']) {
    for (const name of existsSync(join(root, dir)) ? readdirSync(join(root, dir)).sort() : []) {
      const file = join(root, dir, name, 'package.json');
      if (existsSync(file)) hash.update(readFileSync(file));
    }
  }
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'infra/package.json', 'test/package.json']) {
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

function ensureDependencies(env) {
  const stampFile = join(root, 'node_modules', '.upstate-install');
  const stamp = lockStamp();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  say('installing dependencies (pnpm install --frozen-lockfile)');
  run(join(binDir, 'pnpm'), ['install', '--frozen-lockfile'], { env });
  writeFileSync(stampFile, stamp);
}

const task = process.argv[2];
if (!task || !(task in tasks)) {
  say(`usage: node scripts/bootstrap.mjs <${Object.keys(tasks).join('|')}> [args]`);
  process.exit(2);
}

const node = ensureNode();
const pnpmEntry = ensurePnpm();
writeShims(node, pnpmEntry);
const env = {
  ...process.env,
  PATH: `${binDir}:${process.env.PATH ?? ''}`,
  ASTRO_TELEMETRY_DISABLED: '1',
  CHECKPOINT_DISABLE: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};
ensureDependencies(env);

// `start` runs the platform's entry directly under the pinned Node (the same command as apps/local's
// start script): with pnpm and a shell in between, Ctrl-C reached the platform as SIGTERM via a killed
// shell, and pnpm reported a clean shutdown as a failure.
const [command, args] = directEntries[task] ? [node, directEntries[task]] : [join(binDir, 'pnpm'), tasks[task]];
const child = spawn(command, [...args, ...process.argv.slice(3)], {
  stdio: 'inherit',
  cwd: root,
  env,
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
