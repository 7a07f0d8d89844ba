import type { UpstateApp } from '@upstate/api';
import type { Branding } from '@upstate/core';
import type { Store } from '@upstate/store';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ApiResult, callApi } from './api-client.ts';
import { type PublishView, page, type Section, type Shell, type TenantChoice } from './layout.ts';
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
  /**
   * The signed-in shell, or a redirect to the login page. A member of a team that requires
   * two-factor who signed in without it is sent to account settings, unless the page is that one.
   */
  shell(c: Context, options?: { allowTwoFactorMissing?: boolean }): Promise<Shell | Response>;
  /** A clear 403 page: the member's role (or key) may not do this. */
  forbidden(c: Context, shell: Shell, message: string, section: Section): Response | Promise<Response>;
  form(c: Context): Promise<Record<string, string>>;
  /** The tenant's public page: `config.pageBaseUrl` when set, else what the API says. */
  pageUrl(slug: string, fromApi: string): string;
  redirect(c: Context, path: string, notice?: string): Response;
  render(c: Context, body: Html, status?: number): Response | Promise<Response>;
  notFound(c: Context, shell: Shell): Response | Promise<Response>;
}

/**
 * Role refusals the API gave while serving a dashboard request, and the shell that request loaded:
 * the dashboard app turns any refusal a page did not show into a 403 page with the API's message,
 * so no page ever hides a refusal as "not found" or an empty list.
 */
export const refusals = new WeakMap<Request, { message: string; shell?: Shell }>();

export function createKit(deps: DashboardDeps): Kit {
  const base = deps.config?.basePath ?? '/dashboard';
  const now = deps.now ?? (() => new Date());
  const kit: Kit = {
    api: deps.api,
    store: deps.store,
    base,
    now,
    call<T>(c: Context, method: string, path: string, options: CallOptions = {}) {
      const { form, idempotent = true, body } = options;
      const key = form?._idem;
      return callApi<T>(deps.api, c, method, path, {
        body,
        // A token that cannot be a header value (say, U+202E) is no token: the API answers 403, never a 500.
        ...(form ? { csrf: /^[\x21-\x7e]*$/.test(form._csrf ?? '') ? (form._csrf ?? '') : '' } : {}),
        ...(method === 'POST' && idempotent && key && /^[A-Za-z0-9_-]{16,64}$/.test(key)
          ? { idempotencyKey: key }
          : {}),
      }).then((r): ApiResult<T> => {
        if (!r.ok && r.status === 403 && r.error.code === 'forbidden') {
          const seen = refusals.get(c.req.raw);
          if (!seen?.message) refusals.set(c.req.raw, { ...seen, message: r.error.message });
        }
        return r;
      });
    },
    async shell(c, options = {}) {
      const [session, account, tenant, publish] = await Promise.all([
        kit.call<{ tenantId: string; email: string; csrfToken: string; role: string }>(
          c,
          'GET',
          '/v1/sessions/current',
        ),
        kit.call<{ tenants: TenantChoice[] }>(c, 'GET', '/v1/account'),
        kit.call<TenantView>(c, 'GET', '/v1/tenant'),
        kit.call<PublishView>(c, 'GET', '/v1/publish'),
      ]);
      const twoFactorMissing = !tenant.ok && tenant.status === 403;
      if (!session.ok || !account.ok || (!tenant.ok && !twoFactorMissing)) {
        const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : '';
        return c.redirect(`${base}/login${next}`, 303);
      }
      if (twoFactorMissing && !options.allowTwoFactorMissing)
        return kit.redirect(c, '/settings', 'two-factor-required');
      const current = account.data.tenants.find((t) => t.current);
      const shell: Shell = {
        base,
        csrf: session.data.csrfToken,
        email: session.data.email,
        role: session.data.role,
        tenants: account.data.tenants,
        tenantName: tenant.ok ? tenant.data.name : (current?.name ?? ''),
        slug: tenant.ok ? tenant.data.slug : (current?.slug ?? ''),
        timezone: tenant.ok ? tenant.data.timezone : 'UTC',
        pageUrl: tenant.ok ? kit.pageUrl(tenant.data.slug, tenant.data.pageUrl) : '',
        publish: publish.ok ? publish.data : null,
        now: now(),
      };
      // The shell's own reads refused for a missing second factor are expected here, not a page's refusal.
      const seen = twoFactorMissing ? undefined : refusals.get(c.req.raw);
      refusals.set(c.req.raw, { message: seen?.message ?? '', shell });
      return shell;
    },
    forbidden(c, shell, message, section) {
      return kit.render(
        c,
        page(shell, {
          title: 'Not allowed',
          section,
          body: html`<div class="card" role="alert"><h1>Not allowed</h1><p>${message}</p><p><a href="${base}">Back to the overview</a></p></div>`,
        }),
        403,
      );
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
