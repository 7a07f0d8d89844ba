import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// Thousands of malformed requests: none may answer 5xx, and none that answers 4xx may write.

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;
let incidentId = '';
let componentId = '';

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('fuzz');
  componentId = ((await (await t.call(tenant, 'POST', '/v1/components', { name: 'API' })).json()) as { id: string }).id;
  incidentId = (
    (await (await t.call(tenant, 'POST', '/v1/incidents', { name: 'i', impact: 'minor', body: 'b' })).json()) as {
      id: string;
    }
  ).id;
});

async function fingerprint() {
  const state = await t.store.publish.get(tenant.tenantId);
  const audit = await t.store.audit.list(tenant.tenantId, { limit: 1 });
  return `${state.contentVersion}:${audit.items[0]?.id}`;
}

const targets = () =>
  [
    ['POST', '/v1/components'],
    ['PATCH', `/v1/components/${componentId}`],
    ['POST', '/v1/incidents'],
    ['POST', `/v1/incidents/${incidentId}/updates`],
    ['POST', `/v1/incidents/${incidentId}/resolve`],
    ['POST', '/v1/maintenances'],
    ['PATCH', '/v1/tenant'],
    ['POST', '/v1/api-keys'],
    ['POST', '/v1/domains'],
    ['POST', '/v1/monitors'],
    ['PUT', '/v1/component-order'],
    ['POST', '/v1/signup'],
    ['POST', '/v1/sessions'],
  ] as const;

const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      'operational',
      'major_outage',
      'resolved',
      'investigating',
      'https://x.example.com',
      '#ff0000',
      '2026-01-01T00:00:00Z',
      '<script>alert(1)</script>',
      'javascript:alert(1)',
    ),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'name',
        'status',
        'impact',
        'body',
        'components',
        'branding',
        'brandColor',
        'componentId',
        'config',
        'kind',
        'domain',
        'scopes',
        'scheduledFor',
        'scheduledUntil',
        'email',
        'password',
        'slug',
        '__proto__',
        'constructor',
        'x',
      ),
      tie('node'),
      { maxKeys: 5 },
    ),
  ),
})).node;

const rawBody = fc.oneof(
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.string(),
  fc.constantFrom('{', '[]', '{"name":', 'null', '', '{"name":"\u0000"}'),
);

describe('fuzzing the routes', () => {
  it('never answers 5xx and never writes on a 4xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: targets().length - 1 }), rawBody, async (i, body) => {
        const [method, path] = targets()[i] ?? ['POST', '/v1/components'];
        const before = await fingerprint();
        const res = await t.call(tenant, method, path, body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const error = ((await res.json()) as { error: { code: string } }).error;
          expect(typeof error.code).toBe('string');
          expect(await fingerprint()).toBe(before);
        }
      }),
      { numRuns: 2000 },
    );
    // The generator must actually reach the validators, not just bounce off auth.
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
  }, 240_000);
});
