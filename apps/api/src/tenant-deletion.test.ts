import {
  CloudFrontClient,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
} from '@aws-sdk/client-cloudfront';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createSiteTakedown, createTenantCdnInvalidator } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import type { DomainProvisioner } from '@upstate/core';
import { resumeTenantDeletions } from '@upstate/services/tenant/delete';
import type { Store } from '@upstate/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUpAndVerify, type TestTenant } from './testing.ts';

// Tenant deletion on the stand-ins: dynalite (the table is scanned afterwards), s3rver (the site
// bucket). CloudFront has none: its SDK is mocked and the exact invalidation asserted.

let s3: Awaited<ReturnType<typeof startS3rver>>;
const cloudFront = new CloudFrontClient({ region: 'us-east-1' });
const cdn = mockClient(cloudFront);
const removed: string[] = [];
const provisioner: DomainProvisioner = {
  async onVerified() {},
  async onRemoved(_tenantId, domain) {
    removed.push(domain);
  },
};
let t: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  s3 = await startS3rver();
  t = await createTestApp({
    domainProvisioner: provisioner,
    siteTakedown: createSiteTakedown({
      s3: s3.client,
      bucket: s3.bucket,
      invalidator: createTenantCdnInvalidator({ client: cloudFront, distributionId: 'EDIST' }),
    }),
  });
});
afterAll(async () => {
  await s3.close();
});
beforeEach(() => {
  cdn.reset();
  removed.length = 0;
  // Every host of a tenant is a distribution tenant of ours that names it.
  cdn.on(GetDistributionTenantByDomainCommand).callsFake((input: { Domain: string }) => ({
    DistributionTenant: {
      Id: `DT-${input.Domain}`,
      DistributionId: 'EDIST',
      Parameters: [{ Name: 'tenantId', Value: hostOwners.get(input.Domain) ?? 'nobody' }],
    },
  }));
  cdn.on(CreateInvalidationForDistributionTenantCommand).resolves({});
});
const hostOwners = new Map<string, string>();

const json = async (res: Response) =>
  (await res.json()) as Record<string, unknown> & { error?: { code: string; field?: string } };
/** The answer's body, after checking its status (the body is in the message when it differs). */
async function expectStatus(res: Response | Promise<Response>, status: number) {
  const answer = await res;
  const text = await answer.text();
  expect(`${answer.status} ${text}`).toMatch(new RegExp(`^${status} `));
  return JSON.parse(text || '{}') as Record<string, unknown>;
}
const session = (tenant: TestTenant) => ({ cookie: tenant.cookie, 'x-csrf-token': tenant.csrfToken });

async function scan(store: Store): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.doc.send(new ScanCommand({ TableName: store.db.table, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
const mentioning = (items: Record<string, unknown>[], tenantId: string) =>
  items.filter((item) => JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v)).includes(tenantId));

async function objects(prefix: string): Promise<string[]> {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}
async function publishSomething(tenantId: string) {
  for (const Key of [
    `sites/${tenantId}/index.html`,
    `sites/${tenantId}/api/v2/summary.json`,
    `manifests/${tenantId}.json`,
  ])
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: 'x' }));
}

/** A tenant with something of every kind: members, keys, components, incident, monitors, subscribers, domain, invite. */
async function populated(slug: string) {
  const owner = await t.signup(slug);
  hostOwners.set(`${slug}.localhost:8080`, owner.tenantId);
  const admin = await t.addMember(owner, 'admin');
  const component = await json(await t.call(owner, 'POST', '/v1/components', { name: 'API' }));
  await expectStatus(
    t.call(owner, 'POST', '/v1/incidents', {
      name: 'Errors',
      impact: 'minor',
      body: 'Looking',
      components: [{ componentId: component.id, status: 'degraded_performance' }],
    }),
    201,
  );
  const heartbeat = { componentId: component.id, name: 'job', config: { kind: 'heartbeat', graceSeconds: 60 } };
  await expectStatus(t.call(owner, 'POST', '/v1/monitors', heartbeat), 201);
  const gone = await json(await t.call(owner, 'POST', '/v1/components', { name: 'Old' }));
  await expectStatus(t.call(owner, 'DELETE', `/v1/components/${gone.id}`), 204);
  expect(
    (await t.call(owner, 'POST', '/v1/subscribers', { channel: 'email', target: `reader@${slug}.example.com` })).status,
  ).toBeLessThan(300);
  await expectStatus(
    t.call(owner, 'POST', '/v1/team/invites', { email: `later@${slug}.example.com`, role: 'viewer' }),
    201,
  );
  await expectStatus(t.call(owner, 'POST', '/v1/api-keys', { name: 'bot', scopes: ['incidents'] }), 201);
  const domain = `status.${slug}.example.com`;
  const claim = await json(await t.call(owner, 'POST', '/v1/domains', { domain }));
  t.txt.set(String(claim.txtRecordName), [[String(claim.txtRecordValue)]]);
  expect((await json(await t.call(owner, 'POST', `/v1/domains/${domain}/verify`))).status).toBe('verified');
  hostOwners.set(domain, owner.tenantId);
  await publishSomething(owner.tenantId);
  return { owner, admin, domain };
}

describe('DELETE /v1/tenant', () => {
  it('takes the page down, removes every item of the tenant, frees the slug and domain, and leaves others alone', async () => {
    // Prepare: the tenant, and another one sharing a member with it
    const { owner, admin, domain } = await populated('doomed');
    const other = await t.signup('survivor');
    await publishSomething(other.tenantId);
    const shared = await t.addMember(other, 'editor', 'both@example.com');
    const sharedOnDoomed = await t.addMember(owner, 'editor', 'both@example.com');
    const othersBefore = mentioning(await scan(t.store), other.tenantId);
    expect(mentioning(await scan(t.store), owner.tenantId).length).toBeGreaterThan(20);

    // Act: refused without the slug, refused for an admin, then the owner
    const unconfirmed = await t.call(null, 'DELETE', '/v1/tenant?confirm=survivor', undefined, session(owner));
    expect(unconfirmed.status).toBe(400);
    expect((await json(unconfirmed)).error).toMatchObject({ code: 'validation_failed', field: 'confirm' });
    await expectStatus(t.call(null, 'DELETE', '/v1/tenant?confirm=doomed', undefined, admin.headers), 403);
    await expectStatus(t.call(owner, 'DELETE', '/v1/tenant?confirm=doomed'), 403);
    expect(await t.store.tenants.get(owner.tenantId)).toBeDefined();
    const res = await t.call(null, 'DELETE', '/v1/tenant?confirm=doomed', undefined, session(owner));

    // Assess: answered, nothing of the tenant in the table, the other tenant's items untouched
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ status: 'deleted' });
    expect(res.headers.get('set-cookie')).toMatch(/upstate_session=;/);
    expect(mentioning(await scan(t.store), owner.tenantId)).toEqual([]);
    expect(mentioning(await scan(t.store), other.tenantId)).toEqual(othersBefore);
    // The site bucket and the CDN
    expect(await objects(`sites/${owner.tenantId}/`)).toEqual([]);
    expect(await objects(`manifests/${owner.tenantId}`)).toEqual([]);
    expect(await objects(`sites/${other.tenantId}/`)).toHaveLength(2);
    const invalidations = cdn.commandCalls(CreateInvalidationForDistributionTenantCommand).map((c) => c.args[0].input);
    expect(invalidations).toEqual(
      ['doomed.localhost:8080', domain].map((host) => ({
        Id: `DT-${host}`,
        InvalidationBatch: {
          CallerReference: expect.stringMatching(/^upstate-/),
          Paths: { Quantity: 1, Items: ['/*'] },
        },
      })),
    );
    expect(removed.sort()).toEqual([domain, 'doomed.localhost:8080'].sort());
    // Everyone of it is refused; the shared member still works on the other tenant
    for (const headers of [session(owner), admin.headers, sharedOnDoomed.headers])
      await expectStatus(t.call(null, 'GET', '/v1/tenant', undefined, headers), 401);
    await expectStatus(t.call(owner, 'GET', '/v1/tenant'), 401);
    await expectStatus(t.call(null, 'GET', '/v1/tenant', undefined, shared.headers), 200);
    expect(await t.store.tenants.getBySlug('doomed')).toBeUndefined();
    // The slug and the domain can be taken again
    const again = await signUpAndVerify(t.app, t.mailer, {
      name: 'New Co',
      slug: 'doomed',
      email: 'new-owner@example.com',
      password: 'correct horse battery',
    });
    const key = { authorization: `Bearer ${(again.body.apiKey as { key: string }).key}` };
    expect((await json(await t.call(null, 'GET', '/v1/tenant', undefined, key))).slug).toBe('doomed');
    await expectStatus(t.call(null, 'POST', '/v1/domains', { domain }, key), 201);
    // Members keep their logins: the shared one lands on the other tenant, the owner on no team
    const signIn = (email: string, password: string) => t.call(null, 'POST', '/v1/sessions', { email, password });
    const sharedIn = await signIn('both@example.com', 'member password 1');
    expect(sharedIn.status).toBe(200);
    expect((await json(sharedIn)).tenantId).toBe(other.tenantId);
    const ownerIn = await signIn('doomed@example.com', 'correct horse battery');
    expect(ownerIn.status).toBe(403);
    expect((await json(ownerIn)).error).toMatchObject({ code: 'no_team', field: 'email' });
    // An invite still adds a team to that login, with its password
    await expectStatus(t.call(other, 'POST', '/v1/team/invites', { email: 'doomed@example.com', role: 'viewer' }), 201);
    const accepted = await t.call(null, 'POST', '/v1/invites/accept', {
      token: t.mailer.linkTo('doomed@example.com', '/invite'),
      password: 'correct horse battery',
    });
    expect(await expectStatus(accepted, 200)).toMatchObject({ tenantId: other.tenantId, role: 'viewer' });
    expect(await expectStatus(signIn('doomed@example.com', 'correct horse battery'), 200)).toMatchObject({
      tenantId: other.tenantId,
    });
    // A dozen argon2id hashes: seconds on a busy machine.
  }, 60_000);

  it('without a site takedown (the deployed API today) completes, keeping the objects and saying so', async () => {
    // Prepare: an app with no bucket access, and a published page
    const logged: { message: string; tenantId?: unknown }[] = [];
    const bare = await createTestApp({ log: (message, detail) => logged.push({ message, ...detail }) });
    const owner = await bare.signup('no-bucket');
    await publishSomething(owner.tenantId);

    // Act
    const res = await bare.call(null, 'DELETE', '/v1/tenant?confirm=no-bucket', undefined, session(owner));

    // Assess: deleted in the store, the objects stay, and the log names the tenant
    expect(await json(res)).toEqual({ status: 'deleted' });
    expect(mentioning(await scan(bare.store), owner.tenantId)).toEqual([]);
    expect(await objects(`sites/${owner.tenantId}/`)).toHaveLength(2);
    expect(logged).toContainEqual({
      message: 'site objects kept: no site takedown configured',
      tenantId: owner.tenantId,
    });
  }, 60_000);

  it('waits for a running publish: nothing is taken down while it holds the lease, the reconciler finishes after', async () => {
    // Prepare: a tenant whose publish is mid-run
    const { owner } = await populated('publishing');
    expect(await t.store.publish.acquireLease(owner.tenantId, 'publish-run-1', 60_000)).toBe(true);

    // Act
    const res = await t.call(null, 'DELETE', '/v1/tenant?confirm=publishing', undefined, session(owner));

    // Assess: under way, invisible, refused, but the objects are still there for the running publish
    expect(await json(res)).toEqual({ status: 'deleting' });
    expect(await t.store.tenants.getBySlug('publishing')).toBeUndefined();
    await expectStatus(t.call(owner, 'GET', '/v1/tenant'), 401);
    expect(await objects(`sites/${owner.tenantId}/`)).toHaveLength(2);
    expect(cdn.commandCalls(CreateInvalidationForDistributionTenantCommand)).toHaveLength(0);
    // The run ends; the reconciler's next pass finishes the deletion
    expect(await t.store.publish.releaseLease(owner.tenantId, 'publish-run-1')).toBe(true);
    const finished = await resumeTenantDeletions({
      store: t.store,
      publishTrigger: t.publishTrigger,
      now: () => new Date(),
      log: () => {},
      siteTakedown: createSiteTakedown({
        s3: s3.client,
        bucket: s3.bucket,
        invalidator: createTenantCdnInvalidator({ client: cloudFront, distributionId: 'EDIST' }),
      }),
      domainProvisioner: provisioner,
      platformDomain: 'localhost:8080',
    });
    expect(finished).toBe(1);
    expect(mentioning(await scan(t.store), owner.tenantId)).toEqual([]);
    expect(await objects(`sites/${owner.tenantId}/`)).toEqual([]);
  }, 60_000);

  it('is finished by a retry after a crash at any of its writes, and a crashed deletion never serves', async () => {
    let crashes = 0;
    for (let n = 1; ; n++) {
      // Prepare: a fresh tenant; the store fails its nth write from the moment the deletion starts
      const slug = `crash-${n}`;
      const { owner } = await populated(slug);
      const real = t.store.db.doc.send.bind(t.store.db.doc);
      let writes = 0;
      let started = false;
      let failed = false;
      t.store.db.doc.send = ((
        command: { constructor: { name: string }; input: { UpdateExpression?: string } },
        ...rest: unknown[]
      ) => {
        // Counted from the deletion's first write (authentication's rate-limit counter comes before it).
        started ||= command.input.UpdateExpression?.includes('deletingAt') === true;
        if (started && /^(Put|Update|Delete|BatchWrite)/.test(command.constructor.name) && ++writes === n) {
          failed = true;
          return Promise.reject(new Error(`injected failure at write ${n}`));
        }
        return (real as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      }) as typeof t.store.db.doc.send;

      // Act
      const res = await t.call(null, 'DELETE', `/v1/tenant?confirm=${slug}`, undefined, session(owner));
      t.store.db.doc.send = real;

      // Assess: a failure of the first write leaves everything as it was; any later one leaves the
      // tenant invisible and inert, and the reconciler finishes it
      if (!failed) {
        expect(res.status).toBe(202);
        expect(mentioning(await scan(t.store), owner.tenantId)).toEqual([]);
        break;
      }
      crashes++;
      if (n === 1) {
        expect(res.status).toBe(500);
        expect(await t.store.tenants.get(owner.tenantId)).toBeDefined();
        await expectStatus(t.call(owner, 'GET', '/v1/tenant'), 200);
      } else {
        expect(await json(res)).toEqual({ status: 'deleting' });
        expect(await t.store.tenants.getBySlug(slug)).toBeUndefined();
        await expectStatus(t.call(null, 'GET', '/v1/tenant', undefined, session(owner)), 401);
      }
      const logged: unknown[] = [];
      const finished = await resumeTenantDeletions({
        store: t.store,
        publishTrigger: t.publishTrigger,
        now: () => new Date(),
        log: (message, detail) => logged.push({ message, ...detail }),
        siteTakedown: createSiteTakedown({
          s3: s3.client,
          bucket: s3.bucket,
          invalidator: createTenantCdnInvalidator({ client: cloudFront, distributionId: 'EDIST' }),
        }),
        domainProvisioner: provisioner,
        platformDomain: 'localhost:8080',
      });
      expect(logged.filter((l) => /fail/.test((l as { message: string }).message))).toEqual([]);
      expect(finished).toBe(n > 1 ? 1 : 0);
      if (n > 1) {
        expect(mentioning(await scan(t.store), owner.tenantId)).toEqual([]);
        expect(await objects(`sites/${owner.tenantId}/`)).toEqual([]);
      }
    }
    expect(crashes).toBeGreaterThan(30);
  }, 600_000);
});
