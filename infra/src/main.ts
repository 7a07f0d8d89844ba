import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'cdktn';
import { type Bundle, type BundleName, bundleLambda, lambdaEntries } from './bundle.ts';
import { readStageConfig } from './env.ts';
import { UpstateStack } from './upstate-stack.ts';

/** Bundles every Lambda and synthesises one stage into `outdir` (Terraform JSON plus zipped assets). */
export function synthesize(
  config: ReturnType<typeof readStageConfig>,
  outdir: string,
  entries: Record<BundleName, string> = lambdaEntries,
): { stackDir: string; bundles: Record<BundleName, Bundle> } {
  const app = new App({ outdir });
  const bundles = Object.fromEntries(
    (Object.keys(entries) as BundleName[]).map((name) => [name, bundleLambda(name, outdir, entries[name])]),
  ) as Record<BundleName, Bundle>;
  const id = `upstate-${config.stage}`;
  new UpstateStack(app, id, { config, bundles });
  app.synth();
  return { stackDir: join(outdir, 'stacks', id), bundles };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const config = readStageConfig();
  const outdir = fileURLToPath(new URL('../cdktn.out', import.meta.url));
  const { stackDir } = synthesize(config, outdir);
  console.log(`Synthesised ${config.stage} into ${stackDir} in ${Math.round(performance.now() - started)} ms`);
  console.log(`Next: terraform -chdir=${stackDir} init && terraform -chdir=${stackDir} apply`);
}
