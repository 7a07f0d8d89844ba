import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// The Lambda entry (hono/aws-lambda) with real API Gateway HTTP API v2 event fixtures,
// against the same dynalite table the in-process app uses.

let tenant: TestTenant;
let handler: (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;
let t: Awaited<ReturnType<typeof createTestApp>>;

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replaceAll('__KEY__', tenant.key));

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('lambda');
  const { db } = t.store;
  const endpoint = await (
    db.doc.config.endpoint as () => Promise<{ hostname: string; port?: number; protocol: string }>
  )();
  process.env.TABLE_NAME = db.table;
  process.env.DYNAMODB_ENDPOINT = `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  ({ handler } = (await import('./lambda.ts')) as unknown as { handler: typeof handler });
});

describe('Lambda handler (API Gateway v2 events)', () => {
  it('serves a GET', async () => {
    const res = await handler(fixture('apigw-v2-get-components.json'), {});
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: [] });
  });

  it('decodes a base64 POST body and writes through to DynamoDB', async () => {
    const res = await handler(fixture('apigw-v2-post-incident.json'), {});
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'Lambda incident', status: 'investigating' });
    const listed = await t.store.incidents.list(tenant.tenantId);
    expect(listed.items.map((i) => i.name)).toContain('Lambda incident');
  });
});
