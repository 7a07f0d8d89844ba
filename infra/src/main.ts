import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureThemes, themeNames } from '@upstate/render';
import { App } from 'cdktn';
import { type Bundle, type BundleName, bundleAll, lambdaEntries } from './bundle.ts';
import { readStageConfig, type StageConfig } from './env.ts';
import { UpstateStack } from './upstate-stack.ts';

/** The Terraform-compatible runtimes a stage applies with (also written as `required_version`). */
export const terraformTargets = { terraform: '>=1.10.0', opentofu: '>=1.10.0' };

/**
 * Compiles the themes if their sources changed, bundles every Lambda (unless given prebuilt
 * bundles) and synthesises one stage into `outdir` (Terraform JSON plus zipped assets).
 */
export async function synthesize(
  config: StageConfig,
  outdir: string,
  options: { entries?: Record<BundleName, string>; bundles?: Record<BundleName, Bundle> } = {},
): Promise<{ stackDir: string; bundles: Record<BundleName, Bundle> }> {
  const entries = options.entries ?? lambdaEntries;
  let bundles = options.bundles;
  if (!bundles) {
    await ensureThemes();
    bundles = bundleAll(outdir, entries, themeNames);
  }
  // S3 state locking without DynamoDB (`use_lockfile`) needs Terraform or OpenTofu 1.10; cdktn
  // refuses the backend unless the project declares it targets those.
  const app = new App({ outdir, context: { targetVersions: terraformTargets } });
  const id = `upstate-${config.stage}`;
  new UpstateStack(app, id, { config, bundles });
  app.synth();
  return { stackDir: join(outdir, 'stacks', id), bundles };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const config = readStageConfig();
    const outdir = fileURLToPath(new URL('../cdktn.out', import.meta.url));
    const { stackDir } = await synthesize(config, outdir);
    console.log(`Synthesised ${config.stage} into ${stackDir} in ${Math.round(performance.now() - started)} ms`);
    console.log('Next: npm run deploy -- plan, then npm run deploy -- apply');
  } catch (error) {
    // A configuration mistake is a message naming the variable, not a stack trace.
    console.error((error as Error).message);
    process.exit(1);
  }
}
