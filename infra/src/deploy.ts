import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, BundleName } from './bundle.ts';
import { readStageConfig, type StageConfig } from './env.ts';
import { synthesize } from './main.ts';

/** What `npm run deploy -- <command>` runs after synthesising: `init`, then the command. */
export const deployCommands = {
  plan: ['plan', '-input=false'],
  apply: ['apply', '-input=false'],
  destroy: ['destroy', '-input=false'],
} as const;
export type DeployCommand = keyof typeof deployCommands;

/**
 * The Terraform-compatible binary: `UPSTATE_TERRAFORM` when set, else `terraform`, else `tofu`,
 * whichever is first found on PATH.
 */
export function findTerraform(env: Record<string, string | undefined> = process.env): string {
  const candidates = env.UPSTATE_TERRAFORM ? [env.UPSTATE_TERRAFORM] : ['terraform', 'tofu'];
  for (const name of candidates) {
    const paths = name.includes('/') ? [name] : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
    for (const path of paths) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here; keep looking
      }
    }
  }
  throw new Error(
    `Neither ${candidates.join(' nor ')} was found on PATH: install Terraform ≥ 1.10 or OpenTofu ≥ 1.10 (or set UPSTATE_TERRAFORM)`,
  );
}

/** Synthesises the stage, then runs `init` and the command in its stack directory. Returns the exit code. */
export async function deploy(options: {
  command: DeployCommand;
  config: StageConfig;
  outdir: string;
  terraform: string;
  extraArgs?: string[];
  bundles?: Record<BundleName, Bundle>;
  run?: (binary: string, args: string[], cwd: string) => number;
}): Promise<number> {
  const run = options.run ?? ((binary, args, cwd) => spawnSync(binary, args, { cwd, stdio: 'inherit' }).status ?? 1);
  const { stackDir } = await synthesize(
    options.config,
    options.outdir,
    options.bundles ? { bundles: options.bundles } : {},
  );
  // `-reconfigure`: a changed backend (another state bucket or region) is taken as given, never migrated silently.
  const init = run(options.terraform, ['init', '-input=false', '-reconfigure'], stackDir);
  if (init !== 0) return init;
  return run(options.terraform, [...deployCommands[options.command], ...(options.extraArgs ?? [])], stackDir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...extraArgs] = process.argv.slice(2);
  if (!command || !(command in deployCommands)) {
    console.error(`usage: npm run deploy -- <${Object.keys(deployCommands).join('|')}> [terraform options]`);
    process.exit(2);
  }
  try {
    const code = await deploy({
      command: command as DeployCommand,
      config: readStageConfig(),
      outdir: fileURLToPath(new URL('../cdktn.out', import.meta.url)),
      terraform: findTerraform(),
      extraArgs,
    });
    process.exit(code);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
