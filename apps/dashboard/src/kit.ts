import type { UpstateApp } from '@upstate/api';
import type { Branding } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ApiResult, callApi } from './api-client.ts';
import { type PublishView, page, type Shell } from './layout.ts';
import type { Html } from './ui.ts';

export interface DashboardConfig {
  /** Where the dashboard is mounted; links and asset URLs start with it. */
  basePath: string;
  /** The public page of a tenant, for "View live page"; defaults to the API's `pageUrl`. */
  pageBaseUrl?: (slug: string) => string;
}

export interface DashboardDeps {
  api: UpstateApp;
  /** Read-only, for the branding preview's snapshot (uptime rollups are not in the API). */
  store?: Store;
  config?: Partial<DashboardConfig>;
  now?: () => Date;
}

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  branding: Branding;
  version: number;
  pageUrl: string;
}

export type DashboardApp = Hono;

export interface CallOptions {
  body?: unknown;
  form?: Record<string, string>;
  /** Off where the API's stored response would hold a secret shown once (new API keys, heartbeat URLs). */
  idempotent?: boolean;
}

/** What route modules share: the API, paths, and the request helpers. */
export interface Kit {
  api: UpstateApp;
  store: Store | undefined;
  base: string;
  now: () => Date;
  /**
   * `form` is the submitted form: its `_csrf` goes along as the CSRF token and, on POSTs, its `_idem`
   * as the `Idempotency-Key`, so a double-submitted or re-posted form writes once.
   */
  call<T>(c: Context, method: string, path: string, options?: CallOptions): Promise<ApiResult<T>>;
  /** The signed-in shell, or a redirect to the login page. */
  shell(c: Context): Promise<Shell | Response>;
  form(c: Context): Promise<Record<string, string>>;
  /** The tenant's public page: `config.pageBaseUrl` when set, else what the API says. */
  pageUrl(slug: string, fromApi: string): string;
  redirect(c: Context, path: string, notice?: string): Response;
  render(c: Context, body: Html, status?: number): Response | Promise<Response>;
  notFound(c: Context, shell: Shell): Response | Promise<Response>;
}

export function createKit(deps: DashboardDeps): Kit {
  const base = deps.config?.basePath ?? '/dashboard';
  const now = deps.now ?? (() => new Date());
  const kit: Kit = {
    api: deps.api,
    store: deps.store,
    base,
    now,
    call: (c, method, path, options = {}) => {
      const { form, idempotent = true, body } = options;
      const key = form?._idem;
      return callApi(deps.api, c, method, path, {
        body,
        // A token that cannot be a header value (say, U+202E) is no token: the API answers 403, never a 500.
        ...(form ? { csrf: /^[\x21-\x7e]*$/.test(form._csrf ?? '') ? (form._csrf ?? '') : '' } : {}),
        ...(method === 'POST' && idempotent && key && /^[A-Za-z0-9_-]{16,64}$/.test(key)
          ? { idempotencyKey: key }
          : {}),
      });
    },
    async shell(c) {
      const [session, tenant, publish] = await Promise.all([
        kit.call<{ tenantId: string; email: string; csrfToken: string }>(c, 'GET', '/v1/sessions/current'),
        kit.call<TenantView>(c, 'GET', '/v1/tenant'),
        kit.call<PublishView>(c, 'GET', '/v1/publish'),
      ]);
      if (!session.ok || !tenant.ok) {
        const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : '';
        return c.redirect(`${base}/login${next}`, 303);
      }
      return {
        base,
        csrf: session.data.csrfToken,
        email: session.data.email,
        tenantName: tenant.data.name,
        slug: tenant.data.slug,
        timezone: tenant.data.timezone,
        pageUrl: kit.pageUrl(tenant.data.slug, tenant.data.pageUrl),
        publish: publish.ok ? publish.data : null,
        now: now(),
      };
    },
    async form(c) {
      let body: Awaited<ReturnType<typeof c.req.parseBody>>;
      try {
        body = await c.req.parseBody();
      } catch (cause) {
        // A garbled multipart or urlencoded body is the sender's fault, so a 400, never a 500.
        throw new HTTPException(400, { message: 'The form could not be read', cause });
      }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
      return out;
    },
    pageUrl: (slug, fromApi) => deps.config?.pageBaseUrl?.(slug) ?? fromApi,
    redirect(c, path, notice) {
      const url = `${base}${path}${notice ? `${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}` : ''}`;
      return c.redirect(url, 303);
    },
    render(c, body, status = 200) {
      return c.html(body, status as ContentfulStatusCode);
    },
    notFound(c, shell) {
      return notFoundPage(kit, c, shell);
    },
  };
  return kit;
}

function notFoundPage(kit: Kit, c: Context, shell: Shell) {
  return kit.render(
    c,
    page(shell, {
      title: 'Not found',
      section: 'overview',
      body: html`<div class="card"><h1>Not found</h1><p>This page does not exist, or it belongs to another account.</p><p><a href="${kit.base}">Back to the overview</a></p></div>`,
    }),
    404,
  );
}
