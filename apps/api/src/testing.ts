import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { createApp } from './app.ts';
import type { AppDeps } from './context.ts';
import { recordingPublishTrigger } from './publish-trigger.ts';

export interface TestTenant {
  key: string;
  tenantId: string;
  slug: string;
  cookie: string;
  csrfToken: string;
}

/** A fresh app on its own dynalite table, with a DNS stub tests can fill. */
export async function createTestApp(overrides: Partial<AppDeps> = {}) {
  const { store } = await createTestStore();
  const publishTrigger = recordingPublishTrigger();
  const txt = new Map<string, string[][]>();
  const app = createApp({
    store,
    publishTrigger,
    dnsResolver: {
      async resolveTxt(name) {
        const records = txt.get(name);
        if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        return records;
      },
    },
    log: () => {},
    ...overrides,
  });
  let counter = 0;
  async function signup(slug = `tenant-${++counter}-${Date.now().toString(36)}`): Promise<TestTenant> {
    const res = await app.request('/v1/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Tenant ${slug}`,
        slug,
        email: `${slug}@example.com`,
        password: 'correct horse battery',
      }),
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { tenant: { id: string }; apiKey: { key: string }; csrfToken: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { key: body.apiKey.key, tenantId: body.tenant.id, slug, cookie, csrfToken: body.csrfToken };
  }
  const call = (
    tenant: TestTenant | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers: {
        ...(tenant ? { authorization: `Bearer ${tenant.key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { app, store: store as Store, publishTrigger, txt, signup, call };
}
