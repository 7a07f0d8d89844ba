import type { AppDeps, UpstateApp } from '@upstate/api';
import { createTestApp, type recordingMailer } from '@upstate/api/testing';
import { createDashboard } from '../src/index.ts';

type Mailbox = ReturnType<typeof recordingMailer>;

/** The real API on its own dynalite table with the dashboard mounted at /dashboard, as `npm start` does. */
export async function createHarness(overrides: Partial<AppDeps> = {}) {
  const { app: api, store, txt, publishTrigger, mailer, addMember } = await createTestApp(overrides);
  api.route('/dashboard', createDashboard({ api, store }));
  let counter = 0;
  const uniqueSlug = (prefix = 'co') => `${prefix}-${++counter}-${Date.now().toString(36)}`;
  return { api, store, txt, publishTrigger, mailer, addMember, uniqueSlug, browser: () => new Browser(api, mailer) };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/** A cookie-keeping client that submits forms the way a browser without JavaScript does. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly api: UpstateApp;
  readonly mailer: Mailbox;
  csrf = '';

  constructor(api: UpstateApp, mailer: Mailbox) {
    this.api = api;
    this.mailer = mailer;
  }

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await this.api.request(`http://localhost${path}`, {
      method,
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      const value = rest.join('=');
      if (!name) continue;
      if (value === '' || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, html, location: res.headers.get('location'), headers: res.headers } satisfies Page;
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** Posts a form with the page's CSRF token, like a real form submission. */
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    return this.request('POST', path, { _csrf: this.csrf, ...form }, headers);
  }

  /** Signs up through the forms and opens the verification link from the mailbox; the "page is live" page. */
  async signup(slug: string, name = `Company ${slug}`) {
    const email = `${slug}@example.com`;
    const started = await this.request('POST', '/dashboard/signup', {
      name,
      slug,
      email,
      password: 'correct horse battery',
    });
    if (started.status !== 202) throw new Error(`signup failed: ${started.status}`);
    const res = await this.request('POST', '/dashboard/verify', { token: this.mailer.linkTo(email, '/verify') });
    if (res.status !== 201) throw new Error(`verify failed: ${res.status}`);
    await this.get('/dashboard');
    return res;
  }
}

/** The error message shown next to a field, or null. */
export function fieldError(html: string, name: string): string | null {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-error`;
  const m = new RegExp(`id="${id}">([^<]*)<`).exec(html);
  return m?.[1] ?? null;
}

/** The form-level error in the error summary, or null. */
export function formError(html: string): string | null {
  return /data-error-summary>\s*<strong>([^<]*)<\/strong>/.exec(html)?.[1] ?? null;
}
