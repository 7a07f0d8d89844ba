import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createApp, recordingPublishTrigger } from '@upstate/api';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { startS3rver } from '@upstate/aws/testing';
import { createChecker } from '@upstate/checker';
import { type Component, newId } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { createNotifyHandlers, createSenders } from '@upstate/notifier';
import { freshIncident, publishJson } from '@upstate/notifier/testing';
import { createHandlers, reconcileStale } from '@upstate/publisher';
import { ensureTheme, renderSite } from '@upstate/render';
import { recordFeedback } from '@upstate/services/notifications/record-feedback';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCall, roleCalls } from './iam-calls.ts';

// The other half of the call tables' check: each function's code run on the stand-ins (dynalite,
// s3rver) with an SDK middleware recording every command, per function. Each recorded call must be
// in that function's table (which iam-simulation.test.ts proves the policy allows), so a table
// cannot leave out what a handler really does, DynamoDB included.

interface Recorded {
  action: string;
  resource: string;
}
const dynamoActions: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
};
const s3Actions: Record<string, string> = {
  GetObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  DeleteObjectCommand: 's3:DeleteObject',
  DeleteObjectsCommand: 's3:DeleteObject',
  ListObjectsV2Command: 's3:ListBucket',
};

/** Records what a client sends, as (action, table placeholder or S3 key class), into `sink()`. */
function record(client: unknown, sink: () => Recorded[] | undefined) {
  const stack = (client as { middlewareStack: { add: (mw: unknown, options: unknown) => void } }).middlewareStack;
  stack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const command = context.commandName ?? '';
        const input = args.input;
        const dynamo = dynamoActions[command];
        const s3 = s3Actions[command];
        if (dynamo) sink()?.push({ action: dynamo, resource: input.IndexName ? '{index}' : '{table}' });
        else if (s3 && command === 'ListObjectsV2Command') sink()?.push({ action: s3, resource: '{bucket}' });
        else if (s3 && command === 'DeleteObjectsCommand') {
          const keys = (input.Delete as { Objects: { Key: string }[] }).Objects.map((o) => o.Key);
          for (const key of keys) sink()?.push({ action: s3, resource: keyClass(key) });
        } else if (s3) sink()?.push({ action: s3, resource: keyClass(String(input.Key)) });
        else sink()?.push({ action: `unmapped:${command}`, resource: '' });
        return next(args);
      },
    { step: 'initialize', name: 'upstate-call-recorder' },
  );
}
// IAM scopes the bucket by prefix: what matters of a key is the prefix a policy names.
const keyClass = (key: string) =>
  `{bucket}/${/^(builds\/runs|builds\/cdn|sites|assets|manifests)\//.exec(key)?.[1] ?? key}/`;
const tableClass = (call: AwsCall) =>
  call.resource.startsWith('{bucket}/')
    ? keyClass(call.resource.slice('{bucket}/'.length).replace('{tenantId}', 't'))
    : call.resource;

function expectWithinTable(role: string, recorded: Recorded[]) {
  const listed = new Set((roleCalls[role] ?? []).map((c) => `${c.action} ${tableClass(c)}`));
  const made = new Set(recorded.map((c) => `${c.action} ${c.resource}`));
  expect(made.size, `${role} made no AWS call at all`).toBeGreaterThan(0);
  expect(
    [...made].filter((c) => !listed.has(c)),
    `${role}: made but not in its table`,
  ).toEqual([]);
}

let s3: Awaited<ReturnType<typeof startS3rver>>;
// One S3 client for the file, so one recorder on it: each test points it at its own sink.
let s3Sink: () => Recorded[] | undefined = () => undefined;
beforeAll(async () => {
  await ensureTheme('default');
  s3 = await startS3rver();
  record(s3.client, () => s3Sink());
});
afterAll(() => s3?.close());

/** Records the table's and the bucket's calls by the role `as` runs, per role. */
function perRole(dynamo: unknown) {
  const calls: Record<string, Recorded[]> = {};
  let current: string | undefined;
  const sink = () => {
    if (!current) return undefined;
    calls[current] = calls[current] ?? [];
    return calls[current];
  };
  record(dynamo, sink);
  s3Sink = sink;
  const as = async <T>(role: string, run: () => Promise<T>) => {
    current = role;
    try {
      return await run();
    } finally {
      current = undefined;
    }
  };
  return { calls, as };
}

describe('AWS calls recorded on the stand-ins stay within each function’s table', () => {
  it('the publish tasks and the reconciler', async () => {
    const db = await createTestStore();
    const { calls, as } = perRole(db.client);
    const snapshot = fixtureSnapshot({ tenantId: 'tnt-rec', slug: 'rec', days: 3 });
    await db.store.tenants.create(snapshot.tenant, snapshot.branding);
    for (const c of snapshot.components) await db.store.components.create(c);
    const handlers = createHandlers({
      store: db.store,
      s3: s3.client as S3Client,
      bucket: s3.bucket,
      invalidator: { invalidate: async () => {} },
      renderer: renderSite,
      site: { scheme: 'https', platformDomain: 'upstate.page' },
    });
    // Two publishes: the first uploads everything, the second replaces and deletes stale files.
    for (let round = 0; round < 2; round++) {
      if (round === 1) {
        // A page the previous publish had and this one will not: the sync deletes it.
        const key = 'manifests/tnt-rec.json';
        const previous = JSON.parse(
          (await (
            await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
          ).Body?.transformToString()) ?? '{}',
        );
        previous['incidents/gone/index.html'] = { hash: 'stale' };
        await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: JSON.stringify(previous) }));
      }
      const version = await db.store.publish.bumpContentVersion('tnt-rec');
      const owner = `tnt-rec-v${version}`;
      await as('publish-lease', () => handlers.lease({ tenantId: 'tnt-rec', version, owner }));
      const { build } = await as('publish-render', () => handlers.render({ tenantId: 'tnt-rec', owner }));
      const { paths } = await as('publish-sync', () => handlers.sync({ tenantId: 'tnt-rec', owner, version, build }));
      await as('publish-invalidate', () => handlers.invalidate({ tenantId: 'tnt-rec', owner, version, build, paths }));
      await as('publish-commit', () => handlers.commit({ tenantId: 'tnt-rec', owner, version, build }));
    }
    await as('publish-release', () => handlers.release({ tenantId: 'tnt-rec', owner: 'tnt-rec-gone' }));
    await db.store.publish.bumpContentVersion('tnt-rec');
    await as('reconcile', () => reconcileStale({ store: db.store, start: async () => true }));
    for (const role of ['lease', 'render', 'sync', 'invalidate', 'commit', 'release'].map((t) => `publish-${t}`)) {
      expectWithinTable(role, calls[role] ?? []);
    }
    expectWithinTable('reconcile', calls.reconcile ?? []);
  }, 120_000);

  it('the checker’s scheduled run and rollover', async () => {
    const db = await createTestStore();
    const calls: Recorded[] = [];
    const snapshot = fixtureSnapshot({ tenantId: 'tnt-chk', slug: 'chk', days: 1 });
    await db.store.tenants.create(snapshot.tenant, snapshot.branding);
    for (const c of snapshot.components) await db.store.components.create({ ...c, statusSource: 'manual' } as never);
    record(db.client, () => calls);
    const checker = createChecker({
      store: db.store,
      publishTrigger: recordingPublishTrigger(),
      allowPrivateTargets: false,
    });
    await checker.runDue();
    await checker.rollover();
    expectWithinTable('checker', calls);
  });

  it('the API and the dashboard’s routes: sign-up, components, incidents, domains, keys, subscribers', async () => {
    const db = await createTestStore();
    const calls: Recorded[] = [];
    record(db.client, () => calls);
    const mailer = recordingMailer();
    const app = createApp({
      store: db.store,
      publishTrigger: recordingPublishTrigger(),
      dnsResolver: { resolveTxt: async () => [] },
      log: () => {},
      mailer,
      // As apps/api/src/lambda.ts configures it on AWS: the subscriber routes are served.
      subscriptions: {
        linkSecret: 'link-secret',
        apiBase: 'https://api.upstate.page',
        sendConfirmation: async () => {},
      },
    });
    const json = { 'content-type': 'application/json' };
    // Sign-up is verified by email: the account exists once the emailed link is followed.
    const signup = await signUpAndVerify(app, mailer, {
      name: 'Rec',
      slug: 'rec-api',
      email: 'rec@example.com',
      password: 'correct horse battery',
    });
    expect(signup.response.status).toBe(201);
    const key = (signup.body as { apiKey: { key: string } }).apiKey.key;
    const auth = { ...json, authorization: `Bearer ${key}` };
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) });
    const component = (await (await call('POST', '/v1/components', { name: 'API' })).json()) as { id: string };
    await call('GET', '/v1/components');
    await call('POST', '/v1/incidents', {
      name: 'Down',
      status: 'investigating',
      message: 'Looking',
      componentIds: [component.id],
    });
    await call('GET', '/v1/incidents');
    await call('POST', '/v1/domains', { domain: 'status.rec.example' });
    await call('POST', '/v1/domains/status.rec.example/verify');
    await call('DELETE', '/v1/domains/status.rec.example');
    await call('GET', '/v1/audit-log');
    await call('GET', '/v1/publish');
    // A reader subscribes on the page; the tenant lists, scopes and removes subscribers.
    const subscribed = await app.request('/public/pages/rec-api/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=reader%40example.com',
    });
    expect(subscribed.status).toBe(202);
    const adding = await call('POST', '/v1/subscribers', { channel: 'email', target: 'ops@example.com' });
    expect(adding.status).toBe(201);
    const added = (await adding.json()) as { id: string };
    await call('GET', '/v1/subscribers');
    await call('GET', '/v1/subscribers/count');
    await call('PUT', `/v1/subscribers/${added.id}/scope`, { componentIds: null, componentUpdates: true });
    expect((await call('DELETE', `/v1/subscribers/${added.id}`)).status).toBe(204);
    await call('DELETE', `/v1/components/${component.id}`);
    expectWithinTable('api', calls);
  });
});

describe('AWS calls of the notifier on the stand-ins stay within each function’s table', () => {
  it('collect, page and finish of a run; the reminder check; a permanent bounce', async () => {
    const db = await createTestStore();
    const { calls, as } = perRole(db.client);
    // Prepare (unrecorded): a tenant whose page shows a fresh incident, and two confirmed subscribers.
    const tenantId = `tnt-ntf-${newId()}`;
    const now = new Date();
    const snapshot = fixtureSnapshot({
      tenantId,
      slug: 'ntf',
      days: 1,
      now: new Date(now.getTime() - 2 * 86_400_000).toISOString(),
    });
    await db.store.tenants.create(snapshot.tenant, snapshot.branding);
    for (const c of snapshot.components) await db.store.components.create(c as Component);
    const services = {
      store: db.store,
      publishTrigger: recordingPublishTrigger(),
      now: () => new Date(),
      log: () => {},
    };
    for (const target of ['one@example.com', 'two@example.com']) {
      await subscribe(services, { tenantId, channel: 'email', target, confirmed: true, linkSecret: 'link-secret' });
    }
    snapshot.incidents.unshift(freshIncident(tenantId, `inc-${newId()}`, now.toISOString(), []));
    await publishJson(s3.client as S3Client, s3.bucket, snapshot);
    const mailer = recordingMailer();
    const handlers = createNotifyHandlers({
      store: db.store,
      s3: s3.client as S3Client,
      bucket: s3.bucket,
      senders: createSenders({ mailer, policy: { allowPrivateTargets: false, resolveHost: async () => [] } }),
      links: { apiBase: 'https://api.upstate.page', linkSecret: 'link-secret' },
      mailDomain: 'upstate.page',
      backoffMs: 1,
    });

    // Act: one run, as Step Functions drives it, then the schedule and SES's feedback
    const run = `${tenantId}-n1`;
    const collected = await as('notify-collect', () => handlers.collect({ tenantId, version: 1, run }));
    expect(collected.hasWork).toBe(true);
    for (const range of collected.ranges) {
      await as('notify-page', () => handlers.page({ tenantId, run, entryKeys: collected.entryKeys, range }));
    }
    await as('notify-finish', () => handlers.finish({ tenantId, entryKeys: collected.entryKeys }));
    // What `remind` (apps/notifier/src/lambda.ts) does before it starts a run.
    await as('notify-remind', async () => {
      for (const id of await db.store.tenants.listIds()) await handlers.reminderDue(id);
    });
    expect(mailer.sent).toHaveLength(2);
    const feedback = await as('notify-feedback', () =>
      recordFeedback(services, { messageId: 'm1', type: 'Bounce', bounceType: 'Permanent' }),
    );

    // Assess
    expect(feedback).toEqual({ handled: true });
    for (const role of ['collect', 'page', 'finish', 'remind', 'feedback'].map((t) => `notify-${t}`)) {
      expectWithinTable(role, calls[role] ?? []);
    }
  }, 120_000);
});
