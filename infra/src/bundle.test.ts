import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskNames } from '@upstate/publisher/definition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, type BundleName, bundleBudgets, bundleLambda, lambdaEntries } from './bundle.ts';

let outdir: string;
let bundles: Record<BundleName, Bundle>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'upstate-bundles-'));
  bundles = Object.fromEntries(
    (Object.keys(lambdaEntries) as BundleName[]).map((name) => [name, bundleLambda(name, outdir)]),
  ) as Record<BundleName, Bundle>;
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Loads a bundle in a fresh Node (as Lambda would, with only its env) and runs a snippet against it. */
function inLambdaNode(bundle: Bundle, env: Record<string, string>, body: string): unknown {
  const script = `const m = await import(${JSON.stringify(join(bundle.dir, 'index.mjs'))});\n${body}`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

describe('Lambda bundles', () => {
  it.each(Object.keys(lambdaEntries) as BundleName[])('%s stays within its size budget', (name) => {
    console.info(`${name}: ${bundles[name].bytes} bytes (budget ${bundleBudgets[name]})`);
    expect(bundles[name].bytes).toBeGreaterThan(0);
    expect(bundles[name].bytes).toBeLessThanOrEqual(bundleBudgets[name]);
  });

  it('the API bundle answers an API Gateway v2 event on its own, with no workspace around it', () => {
    const event = JSON.parse(
      readFileSync(new URL('../../apps/api/src/fixtures/apigw-v2-get-components.json', import.meta.url), 'utf8'),
    );
    event.rawPath = '/healthz';
    event.requestContext.http.path = '/healthz';
    delete event.headers.authorization;
    const result = inLambdaNode(
      bundles.api,
      { TABLE_NAME: 'upstate-test-data' },
      `const r = await m.handler(${JSON.stringify(event)}, {}); console.log(JSON.stringify(r));`,
    ) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
  });

  it('the publisher bundle exports every task handler and the reconciler; the checker its handler', () => {
    const exported = (bundle: Bundle, env: Record<string, string>) =>
      inLambdaNode(
        bundle,
        env,
        'console.log(JSON.stringify(Object.keys(m).filter((k) => typeof m[k] === "function").sort()));',
      );
    const env = {
      TABLE_NAME: 'upstate-test-data',
      BUCKET_NAME: 'upstate-test-sites',
      CLOUDFRONT_DISTRIBUTION_ID: 'EDIST',
      PLATFORM_DOMAIN: 'upstate.page',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:upstate-test-publish',
    };
    expect(exported(bundles.publisher, env)).toEqual(expect.arrayContaining([...taskNames, 'reconcile']));
    expect(exported(bundles.checker, env)).toEqual(expect.arrayContaining(['handler']));
  });
});
