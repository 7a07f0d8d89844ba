import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startSesLocal } from '@upstate/aws/testing';
import { createStore, linkToken } from '@upstate/store';
import { createDynamoClient } from '@upstate/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// On AWS the cursor key and the subscriber link secret live in Secrets Manager and the Lambda reads
// them at cold start. Secrets Manager has no local stand-in, so its client is mocked and the exact
// commands asserted; DynamoDB is dynalite and SES aws-ses-v2-local. The cursor a page hands out, and
// the confirm link the opt-in email carries, prove which key signed each.
const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:upstate-prod/api/cursor-secret-AbCdEf';
const secret = 'cursor-key-from-secrets-manager-0123456789abcdef';
const linkSecretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:upstate-prod/link-secret-AbCdEf';
const linkSecret = 'link-secret-from-secrets-manager-0123456789abcdef';
const secrets = mockClient(SecretsManagerClient);
let ses: Awaited<ReturnType<typeof startSesLocal>>;

let tenant: TestTenant;
let t: Awaited<ReturnType<typeof createTestApp>>;
let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let endpoint: string;

const listEvent = (query: string) => {
  const event = JSON.parse(
    readFileSync(new URL('./fixtures/apigw-v2-get-components.json', import.meta.url), 'utf8').replaceAll(
      '__KEY__',
      tenant.key,
    ),
  );
  return { ...event, rawPath: '/v1/incidents', rawQueryString: query };
};

beforeAll(async () => {
  secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: secret });
  secrets.on(GetSecretValueCommand, { SecretId: linkSecretArn }).resolves({ SecretString: linkSecret });
  ses = await startSesLocal();
  t = await createTestApp();
  tenant = await t.signup('lambdasecret');
  for (const name of ['First', 'Second']) {
    const res = await t.app.request('/v1/incidents', {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, impact: 'minor', body: 'Looking into it.' }),
    });
    expect(res.status).toBe(201);
  }
  const { db } = t.store;
  const url = await (db.doc.config.endpoint as () => Promise<{ hostname: string; port?: number; protocol: string }>)();
  endpoint = `${url.protocol}//${url.hostname}:${url.port}`;
  Object.assign(process.env, {
    TABLE_NAME: db.table,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    CURSOR_SECRET_ARN: secretArn,
    LINK_SECRET_ARN: linkSecretArn,
    API_BASE: 'https://api.upstate.page',
    MAIL_DOMAIN: 'mail.upstate.page',
    MAIL_FROM: 'Upstate <accounts@mail.upstate.page>',
    SES_ENDPOINT: ses.endpoint,
  });
  ({ handler } = (await import('./lambda.ts')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  await ses?.close();
  for (const name of ['LINK_SECRET_ARN', 'API_BASE', 'MAIL_DOMAIN', 'MAIL_FROM', 'SES_ENDPOINT'])
    delete process.env[name];
});

describe('Lambda cold start', () => {
  it('reads the cursor secret from Secrets Manager once, and signs page cursors with it', async () => {
    // Act: two requests on the warm container
    const first = await handler(listEvent('limit=1'), {});
    const second = await handler(listEvent('limit=1'), {});
    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(
      secrets
        .commandCalls(GetSecretValueCommand)
        .map((c) => c.args[0].input)
        .sort((a, b) => String(a.SecretId).localeCompare(String(b.SecretId))),
    ).toEqual([{ SecretId: secretArn }, { SecretId: linkSecretArn }]);
    const cursor = JSON.parse(first.body).nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const signedWith = (cursorSecret?: string) =>
      createStore({
        client: createDynamoClient(endpoint),
        tableName: t.store.db.table,
        ...(cursorSecret ? { cursorSecret } : {}),
      }).incidents.list(tenant.tenantId, { limit: 1, cursor });
    await expect(signedWith(secret)).resolves.toMatchObject({ items: [expect.anything()] });
    // The local default key does not accept it: the Lambda did not fall back to it.
    await expect(signedWith()).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('Subscriber routes on AWS', () => {
  it('serves the subscribe form and sends the opt-in through SES, its link signed with the link secret', async () => {
    // Prepare: the page's /subscribe/ form, posted through API Gateway
    const event = JSON.parse(
      readFileSync(new URL('./fixtures/apigw-v2-get-components.json', import.meta.url), 'utf8').replaceAll(
        '__KEY__',
        tenant.key,
      ),
    );
    delete event.headers.authorization;
    const path = `/public/pages/${tenant.slug}/subscribe`;
    const subscribe = {
      ...event,
      rawPath: path,
      rawQueryString: '',
      headers: { ...event.headers, 'content-type': 'application/x-www-form-urlencoded' },
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'POST', path } },
      body: 'email=reader%40example.com',
      isBase64Encoded: false,
    };
    // Act
    const res = await handler(subscribe, {});
    // Assess: one email, from the notifications sender, whose confirm link carries the token of the link secret
    // 202: the answer page says what happens next (check your inbox).
    expect(res.statusCode).toBe(202);
    const mail = await ses.messages();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.to).toEqual(['reader@example.com']);
    expect(mail[0]?.from).toContain('notifications@mail.upstate.page');
    const subscriber = (await t.store.subscribers.list(tenant.tenantId)).items[0];
    expect(subscriber?.status).toBe('pending');
    const token = linkToken(linkSecret, tenant.tenantId, subscriber?.id ?? '');
    expect(mail[0]?.text).toContain(
      `https://api.upstate.page/public/subscriptions/${encodeURIComponent(token)}/confirm`,
    );
  });
});
