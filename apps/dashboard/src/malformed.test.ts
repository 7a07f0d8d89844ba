import { beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/harness.ts';

// Issue 14 item 8: a form body that does not parse is a 400 page, signed in or not, and saves nothing.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const garbled = [
  ['no boundary', 'multipart/form-data', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1'],
  ['a boundary the body never uses', 'multipart/form-data; boundary=zzz', 'garbage\r\n--'],
  ['a part cut off', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nx'],
] as const;

describe('malformed multipart bodies', () => {
  for (const [name, type, body] of garbled) {
    it(`answers POST /dashboard/login with ${name} with 400, not 500`, async () => {
      const res = await h.api.request('http://localhost/dashboard/login', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Bad request');
      expect(res.headers.get('set-cookie')).toBeNull();
    });
  }

  it('answers a signed-in form write with a garbled body with 400 and saves nothing', async () => {
    // Prepare
    const b = h.browser();
    const slug = h.uniqueSlug('garbled');
    await b.signup(slug);
    const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    // Act
    const empty = await b.request('POST', '/dashboard/components', undefined, {
      'content-type': 'multipart/form-data; boundary=b',
    });
    const cut = await h.api.request('http://localhost/dashboard/components', {
      method: 'POST',
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'multipart/form-data; boundary=b',
      },
      body: `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${b.csrf}`,
    });
    // Assess
    expect(empty.status).toBe(400);
    expect(cut.status).toBe(400);
    expect(await h.store.components.list(tenantId)).toEqual([]);
  });

  it('answers a form whose CSRF token cannot be a header value with 403, not 500 (found by the fuzz)', async () => {
    // Prepare
    const b = h.browser();
    await b.signup(h.uniqueSlug('bidi'));
    // Act
    const res = await b.request('POST', '/dashboard/components', { _csrf: '\u202e', name: 'x', status: 'operational' });
    // Assess
    expect(res.status).toBe(403);
  });
});
