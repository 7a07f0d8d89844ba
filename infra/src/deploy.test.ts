import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deploy, findTerraform } from './deploy.ts';
import { testConfig } from './testing.ts';

// `npm run deploy -- plan|apply` against a stand-in Terraform: a script that records how it was run.
const dir = mkdtempSync(join(tmpdir(), 'upstate-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'calls.log');

/** An executable named `name` in a directory of its own that appends "<cwd> <args>" to the log. */
function fakeBinary(name: string, exitCode = 0) {
  const binDir = join(dir, `bin-${name}-${exitCode}`);
  mkdirSync(binDir, { recursive: true });
  const bin = join(binDir, name);
  writeFileSync(bin, `#!/bin/sh\necho "$(pwd) $*" >> "${log}"\nexit ${exitCode}\n`);
  chmodSync(bin, 0o755);
  return { binDir, bin };
}

describe('findTerraform', () => {
  it('takes terraform, else tofu, from PATH, or UPSTATE_TERRAFORM; and names both when neither is there', () => {
    const tofu = fakeBinary('tofu');
    const terraform = fakeBinary('terraform');
    expect(findTerraform({ PATH: tofu.binDir })).toBe(tofu.bin);
    expect(findTerraform({ PATH: `${tofu.binDir}:${terraform.binDir}` })).toBe(terraform.bin);
    expect(findTerraform({ PATH: '', UPSTATE_TERRAFORM: tofu.bin })).toBe(tofu.bin);
    expect(() => findTerraform({ PATH: join(dir, 'nowhere') })).toThrow(/Neither terraform nor tofu was found on PATH/);
  });
});

describe('deploy', () => {
  it('synthesises the stage, then runs init and the command in its stack directory', async () => {
    rmSync(log, { force: true });
    const { bin } = fakeBinary('terraform');
    const outdir = join(dir, 'out');
    const code = await deploy({
      command: 'plan',
      config: testConfig,
      outdir,
      terraform: bin,
      extraArgs: ['-out=stage.plan'],
      bundles: inject('bundles'),
    });
    expect(code).toBe(0);
    const stackDir = join(outdir, 'stacks', `upstate-${testConfig.stage}`);
    expect(existsSync(join(stackDir, 'cdk.tf.json'))).toBe(true);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      `${stackDir} init -input=false -reconfigure`,
      `${stackDir} plan -input=false -out=stage.plan`,
    ]);
  });

  it('stops after a failed init and reports its exit code', async () => {
    rmSync(log, { force: true });
    const { bin } = fakeBinary('terraform', 3);
    const code = await deploy({
      command: 'apply',
      config: testConfig,
      outdir: join(dir, 'out-failing'),
      terraform: bin,
      bundles: inject('bundles'),
    });
    expect(code).toBe(3);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
