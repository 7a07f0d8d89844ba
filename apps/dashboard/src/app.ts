import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { assets } from './assets.ts';
import { createKit, type DashboardDeps, refusals } from './kit.ts';
import { authPage } from './layout.ts';
import { accessRoutes } from './pages/access.ts';
import { accountRoutes } from './pages/account.ts';
import { brandingRoutes } from './pages/branding.ts';
import { componentRoutes } from './pages/components.ts';
import { domainRoutes } from './pages/domains.ts';
import { embedRoutes } from './pages/embeds.ts';
import { importRoutes } from './pages/imports.ts';
import { incidentRoutes } from './pages/incidents.ts';
import { keyRoutes } from './pages/keys.ts';
import { maintenanceRoutes } from './pages/maintenance.ts';
import { monitorRoutes } from './pages/monitors.ts';
import { notificationSettingsRoutes } from './pages/notification-settings.ts';
import { overviewRoutes } from './pages/overview.ts';
import { settingsRoutes } from './pages/settings.ts';
import { subscriberRoutes } from './pages/subscribers.ts';
import { teamRoutes } from './pages/team.ts';

const pageCsp = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The tenant dashboard: server-rendered pages whose forms work without JavaScript, talking to the
 * management API in-process as the signed-in user. Mount it at `config.basePath` (`/dashboard`).
 * @example api.route('/dashboard', createDashboard({ api, store }))
 */
export function createDashboard(deps: DashboardDeps): Hono {
  const kit = createKit(deps);
  const app = new Hono();

  app.use('*', async (c, next) => {
    // Cross-site form posts are refused before anything runs (login CSRF included); the API's
    // per-session CSRF token guards every write on top of this.
    if (!['GET', 'HEAD'].includes(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const host = c.req.header('host');
      const originHost = (() => {
        try {
          return origin ? new URL(origin).host : undefined;
        } catch {
          return undefined; // not a URL: treated as cross-site, never a 500
        }
      })();
      const sameOrigin = !origin || (host !== undefined && originHost === host);
      if (!sameOrigin || site === 'cross-site') return c.text('Cross-site request refused', 403);
    }
    await next();
    // A refusal of the member's role that the page did not show becomes a clear 403 page.
    const refusal = refusals.get(c.req.raw);
    const shown = async (message: string) =>
      c.res.status === 403 && (await c.res.clone().text()).includes(String(await html`${message}`));
    if (refusal?.message && !(await shown(refusal.message))) {
      c.res = undefined;
      c.res = refusal.shell
        ? await kit.forbidden(c, refusal.shell, refusal.message, 'overview')
        : await c.html(
            authPage(kit.base, {
              title: 'Not allowed',
              body: html`<h1>Not allowed</h1><p>${refusal.message}</p>`,
            }),
            403,
          );
    }
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', pageCsp);
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // The longest form (an incident update) is well under this; the API caps its bodies at 64 KB too.
  app.use('*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('Form too large', 413) }));

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return c.html(
        authPage(kit.base, {
          title: 'Bad request',
          body: html`<h1>Bad request</h1><p>${error.message}. Go back, reload the page and try again.</p><p><a href="${kit.base}">Back to the dashboard</a></p>`,
        }),
        error.status,
      );
    }
    console.error(
      JSON.stringify({ level: 'error', message: 'dashboard error', path: c.req.path, error: String(error) }),
    );
    return c.html(
      authPage(kit.base, {
        title: 'Something went wrong',
        body: html`<h1>Something went wrong</h1><p>That did not work on our side. If you were saving something, check whether it was saved before trying again.</p><p><a href="${kit.base}">Back to the dashboard</a></p>`,
      }),
      500,
    );
  });

  for (const asset of Object.values(assets)) {
    app.get(`/assets/${asset.path}`, (c) => {
      c.header('Content-Type', asset.contentType);
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      return c.body(asset.body);
    });
  }

  accountRoutes(app, kit);
  accessRoutes(app, kit);
  settingsRoutes(app, kit);
  teamRoutes(app, kit);
  overviewRoutes(app, kit);
  componentRoutes(app, kit);
  incidentRoutes(app, kit);
  maintenanceRoutes(app, kit);
  monitorRoutes(app, kit);
  subscriberRoutes(app, kit);
  notificationSettingsRoutes(app, kit);
  domainRoutes(app, kit);
  importRoutes(app, kit);
  keyRoutes(app, kit);
  brandingRoutes(app, kit);
  embedRoutes(app, kit);

  app.all('*', async (c) => {
    // Mounted at `/dashboard`, the overview is `/dashboard`; the trailing-slash form is the same page.
    if (c.req.method === 'GET' && c.req.path === `${kit.base}/`) return c.redirect(kit.base, 301);
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return kit.notFound(c, shell);
  });
  return app;
}
