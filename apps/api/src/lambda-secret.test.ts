import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createStore } from '@upstate/store';
import { createDynamoClient } from '@upstate/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// On AWS the cursor key lives in Secrets Manager and the Lambda reads it at cold start. Secrets
// Manager has no local stand-in, so its client is mocked and the exact command asserted; DynamoDB is
// dynalite. The cursor a page hands out proves which key signed it.
const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:upstate-prod/api/cursor-secret-AbCdEf';
const secret = 'cursor-key-from-secrets-manager-0123456789abcdef';
const secrets = mockClient(SecretsManagerClient);

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
  });
  ({ handler } = (await import('./lambda.ts')) as unknown as { handler: typeof handler });
});

describe('Lambda cold start', () => {
  it('reads the cursor secret from Secrets Manager once, and signs page cursors with it', async () => {
    // Act: two requests on the warm container
    const first = await handler(listEvent('limit=1'), {});
    const second = await handler(listEvent('limit=1'), {});
    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: secretArn }]);
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
