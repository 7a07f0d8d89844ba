import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, BundleName } from './bundle.ts';
import { StageConfig } from './env.ts';
import { synthesize } from './main.ts';

/** A complete, valid stage config with no real account behind it. */
export const testConfig = StageConfig.parse({
  stage: 'test',
  region: 'eu-west-1',
  platformDomain: 'upstate.page',
  certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
  alarmEmail: 'ops@example.com',
});

// biome-ignore lint/suspicious/noExplicitAny: synthesised Terraform JSON is untyped by nature.
export type Json = any;

/** Synthesises the whole stage from the run's prebuilt bundles into a temp dir; returns the parsed Terraform JSON. */
export async function synthTestStage(bundles: Record<BundleName, Bundle>, overrides: Partial<StageConfig> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'upstate-infra-'));
  const started = performance.now();
  const result = await synthesize(StageConfig.parse({ ...testConfig, ...overrides }), outdir, { bundles });
  const ms = performance.now() - started;
  const tf: Json = JSON.parse(readFileSync(join(result.stackDir, 'cdk.tf.json'), 'utf8'));
  return { ...result, tf, ms, outdir };
}

/** Every resource of one Terraform type, keyed by its logical id. */
export const resourcesOf = (tf: Json, type: string): Record<string, Json> => tf.resource?.[type] ?? {};

/** The single resource of a type matching a predicate, with its Terraform address. */
export function findResource(tf: Json, type: string, match: (r: Json) => boolean = () => true) {
  const found = Object.entries(resourcesOf(tf, type)).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0] as [string, Json];
  return { id, resource, ref: (attr: string) => `\${${type}.${id}.${attr}}` };
}
