import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError, type Mailer } from '@upstate/core';
import { httpStatuspageSource, systemResolveHost, vetSource } from '@upstate/egress/statuspage-source';
import type { ServiceDeps } from '@upstate/services/deps';
import { runImport } from '@upstate/services/imports/run';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { authenticate } from './auth.ts';
import type { ApiConfig, AppDeps, Env } from './context.ts';
import { buildDocsAssets, type DocsAssets, docsAssetsPath, docsCsp, renderDocsPage } from './docs.ts';
import { noopDomainProvisioner } from './domains.ts';
import { errorResponse, fromZodError, toAppError } from './errors.ts';
import { idempotency } from './idempotency.ts';
import { authorise, requirementOf, routePermissions } from './route-permissions.ts';
import { accountRoutes } from './routes/account.ts';
import { auditRoutes } from './routes/audit.ts';
import { componentRoutes } from './routes/components.ts';
import { domainRoutes } from './routes/domains.ts';
import { importRoutes } from './routes/imports.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { maintenanceRoutes } from './routes/maintenance.ts';
import { monitorRoutes } from './routes/monitors.ts';
import { publicSubscriptionRoutes } from './routes/public-subscriptions.ts';
import type { RouteDeps } from './routes/shared.ts';
import { subscriberRoutes } from './routes/subscribers.ts';
import { teamRoutes } from './routes/team.ts';
import { keepingSiteObjects } from './site-takedown.ts';

export const maxBodyBytes = 64 * 1024;
/** As many monitors as a page holds components: one each, at the checker's fair share of slots. */
export const defaultMonitorsPerTenant = 200;

const defaultConfig: ApiConfig = {
  platformDomain: 'localhost:8080',
  pageScheme: 'http',
  cookieSecure: false,
  rateLimitPerMinute: 600,
  monitorsPerTenant: defaultMonitorsPerTenant,
  localMode: true,
  dashboardUrl: 'http://localhost:8080/dashboard',
  mailFrom: 'Upstate <no-reply@localhost>',
};

/** Paths that authenticate themselves (or need no credentials). */

/** The address API Gateway (Lambda) or the Node socket saw; never a client-set header. */
function defaultClientAddress(c: Context): string | undefined {
  const env = c.env as
    | { requestContext?: { http?: { sourceIp?: string } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress;
}

/** Without a configured mailer, account email is logged as unsent (subject only: its links are secrets). */
const logMailer = (log: (message: string, detail?: Record<string, unknown>) => void): Mailer => ({
  async send(email) {
    log('no mailer configured: account email not sent', { subject: email.subject });
    return { messageId: 'unsent' };
  },
});

/**
 * The management API. One app serves Lambda (`lambda.ts`) and Node (`node.ts`).
 * @example const app = createApp({ store, publishTrigger, dnsResolver }); await app.request('/v1/components')
 */
export function createApp(deps: AppDeps) {
  const config = { ...defaultConfig, ...deps.config };
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((message, detail) => console.error(JSON.stringify({ level: 'error', message, ...detail })));
  const { store, publishTrigger } = deps;
  const services: ServiceDeps = { store, publishTrigger, now, log };

  const importSource =
    deps.imports?.source ?? ((root) => httpStatuspageSource(root, { resolveHost: systemResolveHost }));
  const imports: RouteDeps['imports'] = {
    vet: (root) => vetSource(root, systemResolveHost),
    ...deps.imports,
    source: importSource,
    launch:
      deps.imports?.launch ??
      (async (job) => {
        // In this process, after the response: the job's own record carries any failure.
        runImport({ ...services, source: importSource(job.root), subscribers: deps.imports?.subscribers }, job).catch(
          (error) => log('import runner failed', { jobId: job.jobId, error: String(error) }),
        );
      }),
  };

  const routeDeps: RouteDeps = {
    store,
    publishTrigger,
    dnsResolver: deps.dnsResolver,
    domainProvisioner: deps.domainProvisioner ?? noopDomainProvisioner,
    siteTakedown: deps.siteTakedown ?? keepingSiteObjects(log),
    now,
    config,
    log,
    imports,
    mailer: deps.mailer ?? logMailer(log),
    clientAddress: deps.clientAddress ?? defaultClientAddress,
    services,
  };

  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) throw fromZodError(result.error, result.target === 'json' ? undefined : result.target);
    },
  });

  app.use('*', requestId());
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new AppError('payload_too_large', `Request bodies are limited to ${maxBodyBytes} bytes`, {
          field: 'body',
        });
      },
    }),
  );
  const auth = authenticate(store, config, now);
  app.use('/v1/*', async (c, next) => {
    if (requirementOf(c.req.method, c.req.path) === 'public') return next();
    return auth(c, next);
  });
  app.use('/v1/*', authorise);
  app.use('/v1/*', async (c, next) => {
    const type = c.req.header('content-type');
    if (
      ['POST', 'PUT', 'PATCH'].includes(c.req.method) &&
      c.req.header('content-length') !== '0' &&
      type !== undefined
    ) {
      if (!/^application\/json\b/i.test(type)) {
        throw new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json', {
          field: 'Content-Type',
        });
      }
    }
    return next();
  });
  app.use('/v1/*', idempotency(store, now));

  accountRoutes(app, routeDeps);
  componentRoutes(app, routeDeps);
  incidentRoutes(app, routeDeps);
  maintenanceRoutes(app, routeDeps);
  domainRoutes(app, routeDeps);
  monitorRoutes(app, routeDeps);
  auditRoutes(app, routeDeps);
  importRoutes(app, routeDeps);
  teamRoutes(app, routeDeps);
  // Subscriptions need the link secret the notifier shares and a mailer for the opt-in email. Only local
  // mode has defaults: a deployment without them serves no subscriber routes rather than links signed
  // with a public secret.
  const subscriptions =
    deps.subscriptions ??
    (config.localMode
      ? {
          linkSecret: 'upstate-local-link-secret',
          apiBase: 'http://localhost:3000',
          // Without a mailer nobody can confirm, so nobody is ever notified: loud, never silent.
          sendConfirmation: async () => {
            log('subscription confirmation not sent: no mailer configured', {});
          },
        }
      : undefined);
  if (subscriptions) {
    subscriberRoutes(app, routeDeps, subscriptions);
    publicSubscriptionRoutes(app, routeDeps, subscriptions);
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from sign-up or /v1/api-keys',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'upstate_session',
    description: 'Dashboard session; writes also need the X-CSRF-Token header',
  });
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Upstate API',
      version: '1.0.0',
      description:
        'Manage a status page: components, incidents, maintenance, monitors, domains and keys. Errors are `{ error: { code, message, field?, requestId } }`. POSTs and DELETEs accept an `Idempotency-Key` header: keys are per caller (API key or user), a replay is authorised like the original request, and a retry after a 5xx finishes the failed operation, never repeats it (a DELETE whose failed attempt already deleted answers 204 and records its audit event once). Concurrency: reads of mutable resources return an `ETag`; a write with a stale `If-Match` is `409 conflict` (field `If-Match`). Without `If-Match`, appends (incident and maintenance updates, corrections, resolve, reopen) never fail because another writer got there first, and a PATCH changes only the fields sent. Times may carry an offset; they are stored and returned as UTC instants (`…sssZ`).',
    },
  };
  // Each operation states what it needs (`x-permission`), from the table the middleware enforces.
  const document = () => {
    const doc = app.getOpenAPI31Document(documentConfig);
    for (const [path, ops] of Object.entries(doc.paths ?? {}))
      for (const [method, op] of Object.entries(ops as Record<string, Record<string, unknown>>)) {
        const needed = routePermissions[`${method.toUpperCase()} ${path}`];
        if (needed && typeof op === 'object') op['x-permission'] = needed;
      }
    return doc;
  };
  app.get('/openapi.json', (c) => c.json(document()));
  // Built on first use: most requests (and every Lambda that never serves /docs) skip the 1 MB read.
  let docsAssets: DocsAssets | undefined;
  const loadDocs = () => {
    docsAssets ??= (deps.docsAssets ?? buildDocsAssets)();
    return docsAssets;
  };
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', docsCsp);
    c.header('Cache-Control', 'no-cache');
    return c.html(renderDocsPage(documentConfig.info, loadDocs()));
  });
  app.get(`${docsAssetsPath}/:name`, (c) => {
    const asset = loadDocs().files.find((f) => f.name === c.req.param('name'));
    if (!asset) throw new AppError('not_found', 'No such asset');
    c.header('Content-Type', asset.contentType);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(asset.body);
  });
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.notFound(() => {
    throw new AppError('not_found', 'No such endpoint');
  });
  app.onError((error, c) => {
    const appError = toAppError(error);
    // The route template, never the raw path: a heartbeat path holds its secret token (invariant 6).
    if (appError.code === 'internal')
      log('unhandled error', {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: routeTemplate(c.req.routePath),
        error: String(error),
        stack: (error as Error).stack,
      });
    return errorResponse(c, appError);
  });
  return app;
}

export type UpstateApp = ReturnType<typeof createApp>;

/** `/v1/heartbeats/:token` → `/v1/heartbeats/{token}`; an unmatched request is `(unmatched)`, never its path. */
export function routeTemplate(routePath: string | undefined): string {
  if (!routePath || routePath === '*' || routePath === '/*' || routePath.endsWith('/*')) return '(unmatched)';
  return routePath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}
