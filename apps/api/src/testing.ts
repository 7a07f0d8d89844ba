import type { Mailer, OutgoingEmail } from '@upstate/core';
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

/** Keeps what was sent, for tests that follow a link from an email. */
export function recordingMailer(): Mailer & { sent: OutgoingEmail[]; linkTo(email: string, path: string): string } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(email) {
      sent.push(email);
      return { messageId: `m${sent.length}` };
    },
    /** The token of the newest link to `path` (e.g. `/verify`) mailed to `email`. */
    linkTo(email, path) {
      for (const mail of [...sent].reverse()) {
        if (mail.to !== email.toLowerCase()) continue;
        const match = new RegExp(`${path}\\?token=([\\w-]+)`).exec(mail.text);
        if (match?.[1]) return match[1];
      }
      throw new Error(`no ${path} link mailed to ${email}`);
    },
  };
}

/**
 * Signs up through `app` and opens the verification link that `mailer` (the app's) received:
 * the whole verified sign-up, for tests, benches and the local demo seed. Returns the verify answer.
 */
export async function signUpAndVerify(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  mailer: ReturnType<typeof recordingMailer>,
  input: { name: string; slug: string; email: string; password: string; timezone?: string },
): Promise<{ response: Response; body: Record<string, unknown> }> {
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const started = await app.request('/v1/signup', json(input));
  if (started.status !== 202) throw new Error(`signup: ${started.status} ${await started.text()}`);
  const response = await app.request('/v1/signup/verify', json({ token: mailer.linkTo(input.email, '/verify') }));
  if (response.status !== 201) throw new Error(`verify: ${response.status} ${await response.clone().text()}`);
  return { response, body: (await response.clone().json()) as Record<string, unknown> };
}

/** A fresh app on its own dynalite table, with a DNS stub tests can fill and a recording mailer. */
export async function createTestApp(overrides: Partial<AppDeps> = {}) {
  // One clock for the app and the store, so tests can move time past token expiries.
  const { store } = await createTestStore(overrides.now ? { now: overrides.now } : {});
  const mailer = recordingMailer();
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
    mailer,
    ...overrides,
  });
  let counter = 0;
  /** Signs up and opens the verification link from the mailbox, as a person would. */
  async function signup(slug = `tenant-${++counter}-${Date.now().toString(36)}`): Promise<TestTenant> {
    const email = `${slug}@example.com`;
    const started = await app.request('/v1/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Tenant ${slug}`, slug, email, password: 'correct horse battery' }),
    });
    if (started.status !== 202) throw new Error(`signup failed: ${started.status} ${await started.text()}`);
    const res = await app.request('/v1/signup/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: mailer.linkTo(email, '/verify') }),
    });
    if (res.status !== 201) throw new Error(`verify failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { tenant: { id: string }; apiKey: { key: string }; csrfToken: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { key: body.apiKey.key, tenantId: body.tenant.id, slug, cookie, csrfToken: body.csrfToken };
  }
  let members = 0;
  /** Invites a person to `tenant` with `role` and accepts from the mailed link; their session. */
  async function addMember(tenant: TestTenant, role: 'owner' | 'admin' | 'editor' | 'viewer', email?: string) {
    const address = email ?? `${role}-${++members}-${tenant.slug}@example.com`;
    // Only an owner (a person, not a key) may invite an owner; a tenant without a key invites by session.
    const invited =
      role === 'owner' || !tenant.key
        ? await call(
            null,
            'POST',
            '/v1/team/invites',
            { email: address, role },
            { cookie: tenant.cookie, 'x-csrf-token': tenant.csrfToken },
          )
        : await call(tenant, 'POST', '/v1/team/invites', { email: address, role });
    if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${await invited.text()}`);
    const res = await app.request('/v1/invites/accept', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: mailer.linkTo(address, '/invite'), password: 'member password 1' }),
    });
    if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { csrfToken: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return {
      email: address,
      role,
      cookie,
      csrfToken: body.csrfToken,
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    };
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
  return { app, store: store as Store, publishTrigger, txt, signup, call, mailer, addMember };
}
