import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenant: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.signup('auth-forms');
});

// Issue 14 item 8: the CSRF form fallback parses the body; a body that does not parse is the
// client's fault.
describe('cookie-authenticated writes through the form fallback', () => {
  const garbled = [
    [
      'multipart that names the form type in a parameter',
      'multipart/form-data; boundary=b; charset=application/x-www-form-urlencoded',
      'garbage',
    ],
    ['multipart without its boundary', 'multipart/form-data', '--x\r\nnot a part'],
    ['multipart with a boundary the body never uses', 'multipart/form-data; boundary=zzz', 'garbage\r\n--'],
    [
      'multipart cut off mid-part',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nabc',
    ],
  ] as const;

  for (const [name, type, body] of garbled) {
    it(`answers ${name} with 400 naming the body, not 500`, async () => {
      // Act
      const res = await t.app.request('/v1/components', {
        method: 'POST',
        headers: { cookie: tenant.cookie, 'content-type': type },
        body,
      });
      // Assess
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        code: 'validation_failed',
        field: 'body',
      });
      expect((await t.store.components.list(tenant.tenantId)).length).toBe(0);
    });
  }

  it('still takes the token from a well-formed form', async () => {
    const res = await t.app.request('/v1/components', {
      method: 'POST',
      headers: { cookie: tenant.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: tenant.csrfToken }).toString(),
    });
    // Past the CSRF check, the JSON-only API refuses the form itself.
    expect(res.status).toBe(415);
  });
});
