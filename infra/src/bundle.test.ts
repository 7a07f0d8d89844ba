import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { notifyTaskNames } from '@upstate/notifier/definition';
import { taskNames } from '@upstate/publisher/definition';
import { themeNames } from '@upstate/render';
import { describe, expect, inject, it } from 'vitest';
import { type Bundle, type BundleName, bundleBudgets, lambdaEntries } from './bundle.ts';
import { notifyFunctions } from './iam-calls.ts';

// Built once for the run by the global setup, exactly as synth builds them.
const bundles = inject('bundles');

/** Loads a bundle in a fresh Node (as Lambda would, with only its env) and runs a snippet against it. */
function inLambdaNode(bundle: Bundle, env: Record<string, string>, body: string): unknown {
  const script = `const url = ${JSON.stringify(pathToFileURL(join(bundle.dir, `${bundle.handlerPath}.mjs`)).href)};\nconst m = await import(url);\n${body}`;
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

  it('the publisher archive holds every compiled theme exactly where the bundled renderer looks', () => {
    const found = inLambdaNode(
      bundles.publisher,
      {},
      `const out = {};
       const { createRequire } = await import('node:module');
       const { dirname, join } = await import('node:path');
       const { pathToFileURL } = await import('node:url');
       for (const name of ${JSON.stringify(themeNames)}) {
         // The lookup of packages/render/src/site.ts (package resolution), made from the bundle's own URL.
         const dir = dirname(createRequire(url).resolve(\`@upstate/theme-\${name}/package.json\`));
         out[name] = typeof (await import(pathToFileURL(join(dir, 'dist/server/entry.mjs')).href)).render;
       }
       console.log(JSON.stringify(out));`,
    );
    expect(found).toEqual(Object.fromEntries(themeNames.map((n) => [n, 'function'])));
  }, 60_000);

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
  }, 60_000);

  it('the publisher bundle exports every task handler and the reconciler; the checker its handler; the API its handler and the provisioning reconciler', () => {
    const exported = (bundle: Bundle, env: Record<string, string>) =>
      inLambdaNode(
        bundle,
        env,
        'console.log(JSON.stringify(Object.keys(m).filter((k) => typeof m[k] === "function").sort()));',
      );
    const env = {
      TABLE_NAME: 'upstate-test-data',
      BUCKET: 'upstate-test-sites',
      DISTRIBUTION_ID: 'EDIST',
      PLATFORM_DOMAIN: 'upstate.page',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:upstate-test-publish',
    };
    expect(exported(bundles.publisher, env)).toEqual(expect.arrayContaining([...taskNames, 'reconcile']));
    expect(exported(bundles.checker, env)).toEqual(expect.arrayContaining(['handler']));
    expect(exported(bundles.api, env)).toEqual(expect.arrayContaining(['handler', 'reconcileProvisioning']));
  }, 60_000);

  // Loading the notifier reads the link secret from Secrets Manager (no stand-in): its exports are taken
  // from esbuild's metafile of the very module archived instead.
  it('the notifier bundle exports a handler per notify Task state, SES feedback and the reminder', () => {
    expect(bundles.notifier.exports).toEqual([...notifyFunctions].sort());
    expect(notifyFunctions).toEqual(expect.arrayContaining([...notifyTaskNames]));
  });
});
