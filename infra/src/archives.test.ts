import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startS3rver } from '@upstate/aws/testing';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The deployable archives, run the way Lambda runs them (a fresh Node importing the bundled module,
// nothing but its environment), against dynalite and s3rver.

// Built once for the run by the global setup, exactly as synth builds them.
const { publisher: bundle, checker, api } = inject('bundles');
let s3: Awaited<ReturnType<typeof startS3rver>>;
let db: Awaited<ReturnType<typeof createTestStore>>;

beforeAll(async () => {
  s3 = await startS3rver();
  db = await createTestStore();
});
afterAll(async () => {
  await s3?.close();
});

/** Invokes exported handlers of the bundle in sequence in one fresh Node; the parent keeps serving the stand-ins. */
async function invoke(
  calls: { name: string; event: unknown }[],
  archive = bundle,
  extraEnv: Record<string, string> = {},
): Promise<unknown[]> {
  const url = pathToFileURL(join(archive.dir, `${archive.handlerPath}.mjs`)).href;
  const script = `const m = await import(${JSON.stringify(url)});
    const results = [];
    let previous = {};
    for (const call of ${JSON.stringify(calls)}) {
      results.push((previous = await m[call.name]({ ...previous, ...call.event })));
    }
    console.log(JSON.stringify(results));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      // s3rver's fixed credentials; dynalite accepts any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      TABLE_NAME: db.tableName,
      DYNAMODB_ENDPOINT: db.endpoint,
      BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      PLATFORM_DOMAIN: 'upstate.page',
      ...extraEnv,
    },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]');
}

describe('publisher archive', () => {
  it('leases, renders through the packaged theme and syncs a tenant’s site to S3', async () => {
    const snapshot = fixtureSnapshot({ tenantId: 'tnt-bundle', slug: 'bundle', name: 'Bundle Test Co', days: 3 });
    await db.store.tenants.create(snapshot.tenant, snapshot.branding);
    for (const g of snapshot.groups) await db.store.groups.create(g);
    for (const c of snapshot.components) await db.store.components.create(c);
    const version = await db.store.publish.bumpContentVersion('tnt-bundle');
    const owner = `tnt-bundle-v${version}`;

    const [leased, rendered, synced] = (await invoke([
      { name: 'lease', event: { tenantId: 'tnt-bundle', version, owner } },
      { name: 'render', event: { owner } },
      { name: 'sync', event: { owner } },
    ])) as [{ acquired: boolean }, { build: string }, { paths: string[] }];
    expect(leased.acquired).toBe(true);
    expect(rendered.build).toEqual(expect.any(String));
    // A first publish changes every path: the CDN gets one wildcard invalidation.
    expect(synced.paths).toEqual(['/*']);

    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'sites/tnt-bundle/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual(
      expect.arrayContaining(['sites/tnt-bundle/index.html', 'sites/tnt-bundle/api/v2/summary.json']),
    );
    const index = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'sites/tnt-bundle/index.html' }));
    const html = (await index.Body?.transformToString()) ?? '';
    expect(html).toContain('Bundle Test Co');
    // The page links its theme's hashed stylesheet, which the sync uploaded to the shared prefix.
    const css = /href="\/(assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    const shared = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: css }));
    expect(shared.KeyCount).toBe(1);
  }, 120_000);

  it('the checker archive runs a scheduled tick against the table', async () => {
    // A table of its own with no tenants: nothing is due and nothing rolls over, so no publish is
    // started (the state machine ARN below exists nowhere and is never called).
    const empty = await createTestStore();
    const [run] = (await invoke([{ name: 'handler', event: {} }], checker, {
      TABLE_NAME: empty.tableName,
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:upstate-test-publish',
    })) as [{ checked: number; rolledOver: number }];
    expect(run).toEqual({ checked: 0, flips: 0, published: 0, maintenanceTransitions: 0, rolledOver: 0 });
  }, 60_000);
});

/** An API Gateway HTTP API (payload 2.0) event, as the `$default` route delivers it. */
function httpEvent(method: string, path: string, headers: Record<string, string> = {}) {
  const event = JSON.parse(
    readFileSync(new URL('../../apps/api/src/fixtures/apigw-v2-get-components.json', import.meta.url), 'utf8'),
  );
  event.rawPath = path;
  event.requestContext.http.path = path;
  event.requestContext.http.method = method;
  event.headers = { ...event.headers, host: 'app.upstate.page', ...headers };
  delete event.headers.authorization;
  return event;
}

describe('API archive (the API with the dashboard mounted)', () => {
  it('serves the dashboard login page and renders the branding preview through the bundled theme', async () => {
    // Prepare: a tenant and a live session, written straight to the table the archive reads.
    const snapshot = fixtureSnapshot({ tenantId: 'tnt-dash', slug: 'dash', name: 'Dashboard Archive Co', days: 3 });
    await db.store.tenants.create(snapshot.tenant, snapshot.branding);
    for (const c of snapshot.components) await db.store.components.create(c);
    const sessionId = 'archive-test-session-0123456789abcdef';
    // A session acts as a member: the team names the person and their role.
    await db.store.teams.create('tnt-dash', {
      userId: 'usr-dash',
      email: 'owner@example.com',
      role: 'owner',
      addedAt: new Date().toISOString(),
    });
    await db.store.sessions.create(createHash('sha256').update(sessionId).digest('hex'), {
      id: 'ses-dash',
      userId: 'usr-dash',
      tenantId: 'tnt-dash',
      email: 'owner@example.com',
      csrfToken: 'csrf-archive-test-token',
      createdAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const cookie = { cookie: `upstate_session=${sessionId}` };

    // Act: the handler exactly as API Gateway invokes it, in a fresh Node with only its environment.
    // One fresh Node per request: `invoke` chains each call's result into the next event.
    const request = async (event: unknown) =>
      (
        (await invoke([{ name: 'handler', event }], api, { CURSOR_SECRET: 'archive-test-cursor-secret' })) as {
          statusCode: number;
          headers: Record<string, string>;
          body: string;
        }[]
      )[0];
    const login = await request(httpEvent('GET', '/dashboard/login'));
    const root = await request(httpEvent('GET', '/'));
    const preview = await request(httpEvent('GET', '/dashboard/branding/preview', cookie));

    // Assess
    expect(login?.statusCode).toBe(200);
    expect(login?.headers['content-type']).toContain('text/html');
    expect(login?.body).toContain('<form');
    expect(root?.statusCode).toBe(302);
    expect(root?.headers.location).toBe('/dashboard');
    expect(preview?.statusCode).toBe(200);
    // The real page, rendered by the compiled theme packaged in the archive.
    expect(preview?.body).toContain('Dashboard Archive Co');
    expect(preview?.body).toMatch(/href="\/dashboard\/branding\/preview\/assets\/[a-z]+\/[^"]+\.css"/);
  }, 120_000);
});
