import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ApiKeyScope,
  AppError,
  Branding,
  checkBrandColor,
  defaultBranding,
  Name,
  newId,
  randomToken,
  TenantSlug,
  TimeZone,
} from '@upstate/core';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  hashPassword,
  newApiKey,
  newSessionId,
  sessionCookie,
  sessionTtlSeconds,
  sha256,
  verifyPassword,
} from '../auth.ts';
import type { Env } from '../context.ts';
import { provisionOrQueue } from '../provisioning.ts';
import { errorResponses, IdParam, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

const Email = z.email().max(254).toLowerCase().openapi({ example: 'ops@example.com' });
const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200)
  .openapi({ example: 'correct horse battery staple' });

const SignupInput = z
  .strictObject({
    name: Name,
    slug: TenantSlug,
    email: Email,
    password: Password,
    timezone: TimeZone.optional(),
  })
  .openapi('SignupInput');

const ApiKeyView = z
  .object({
    id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    name: z.string().openapi({ example: 'deploy-bot' }),
    scopes: z.array(ApiKeyScope).openapi({ example: ['incidents'] }),
    prefix: z.string().openapi({ example: 'up_live_3f9a' }),
    createdAt: z.string().openapi({ example: '2026-03-14T09:26:53Z' }),
    lastUsedAt: z.string().nullable().openapi({ example: '2026-03-14T09:26:53Z' }),
    revokedAt: z.string().nullable().openapi({ example: null }),
  })
  .openapi('ApiKey');
const NewApiKey = ApiKeyView.extend({
  key: z
    .string()
    .describe('Shown once; store it now.')
    .openapi({ example: 'up_live_3f9a8c2e61d04b7f9e15a2c3d4b5e6f7' }),
}).openapi('NewApiKey');

const TenantView = z
  .object({
    id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    slug: z.string().openapi({ example: 'acme' }),
    name: z.string().openapi({ example: 'Acme Cloud' }),
    timezone: z.string().openapi({ example: 'Europe/Berlin' }),
    createdAt: z.string().openapi({ example: '2026-03-14T09:26:53Z' }),
    branding: Branding,
    version: z.number().openapi({ example: 4 }),
    pageUrl: z.string().openapi({ example: 'https://acme.status.example.com' }),
  })
  .openapi('Tenant');

const CsrfToken = z.string().openapi({ example: 'b4c1e0f29a7d4e6c8f3a1b2c3d4e5f60' });
const SessionView = z
  .object({
    tenantId: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    email: z.string().openapi({ example: 'ops@example.com' }),
    csrfToken: CsrfToken,
  })
  .openapi('Session');

export function accountRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, now } = deps;
  const pageUrl = (slug: string) => `${deps.config.pageScheme}://${slug}.${deps.config.platformDomain}`;
  const tenantView = (r: Awaited<ReturnType<typeof store.tenants.require>>) => ({
    ...r.tenant,
    branding: r.branding,
    version: r.version,
    pageUrl: pageUrl(r.tenant.slug),
  });

  async function startSession(
    c: Parameters<Parameters<typeof app.openapi>[1]>[0],
    user: { id: string; tenantId: string; email: string },
  ) {
    const { id, hash } = newSessionId();
    const csrfToken = randomToken(24);
    await store.sessions.create(hash, {
      userId: user.id,
      tenantId: user.tenantId,
      email: user.email,
      csrfToken,
      createdAt: now().toISOString(),
      expiresAt: Math.floor(now().getTime() / 1000) + sessionTtlSeconds,
    });
    setCookie(c, sessionCookie, id, {
      httpOnly: true,
      secure: deps.config.cookieSecure,
      sameSite: 'Lax',
      path: '/',
      maxAge: sessionTtlSeconds,
    });
    return csrfToken;
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/signup',
      tags: ['Account'],
      summary: 'Sign up: creates a tenant, its owner and a first API key (shown once)',
      request: { body: jsonBody(SignupInput) },
      responses: {
        201: jsonResponse(
          z.object({ tenant: TenantView, apiKey: NewApiKey, csrfToken: CsrfToken }).openapi('SignupResult'),
          'Created; also starts a dashboard session',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      if (await store.users.getByEmail(input.email)) {
        throw new AppError('conflict', 'An account with this email already exists', { field: 'email' });
      }
      if (await store.tenants.getBySlug(input.slug)) {
        throw new AppError('conflict', `The page address "${input.slug}" is taken`, { field: 'slug' });
      }
      const at = now().toISOString();
      const tenantId = newId();
      const record = await store.tenants.create(
        { id: tenantId, slug: input.slug, name: input.name, timezone: input.timezone ?? 'UTC', createdAt: at },
        defaultBranding,
      );
      const user = await store.users.create({
        id: newId(),
        tenantId,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        createdAt: at,
      });
      const secret = newApiKey();
      const key = await store.apiKeys.create({
        id: newId(),
        tenantId,
        name: 'Default key',
        scopes: ['admin'],
        prefix: secret.prefix,
        hash: secret.hash,
        createdAt: at,
      });
      const author = { kind: 'user' as const, id: user.id, label: user.email };
      await deps.audit({ tenantId, author, scopes: ['admin'], via: 'session' }, 'tenant.created', {
        type: 'tenant',
        id: tenantId,
      });
      // The page at {slug}.{platformDomain} needs its own distribution tenant on AWS. A failure must
      // not lose the account that already exists: it is queued for the provisioning reconciler.
      const pageDomain = `${input.slug}.${deps.config.platformDomain}`;
      await provisionOrQueue(deps, tenantId, pageDomain).catch((e) =>
        deps.log('page domain queued', { tenantId, error: String(e) }),
      );
      await deps.pageChanged(tenantId);
      const csrfToken = await startSession(c, user);
      const { hash, ...view } = key;
      return c.json({ tenant: tenantView(record), apiKey: { ...view, key: secret.key }, csrfToken }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/sessions',
      tags: ['Account'],
      summary: 'Log in to the dashboard (HttpOnly session cookie + CSRF token)',
      request: {
        body: jsonBody(
          z.strictObject({
            email: Email,
            password: z.string().min(1).max(200).openapi({ example: 'correct horse battery staple' }),
          }),
        ),
      },
      responses: { 200: jsonResponse(SessionView, 'Logged in'), ...errorResponses },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const user = await store.users.getByEmail(email);
      // Same answer and similar cost for unknown email and wrong password.
      let ok = false;
      if (user) ok = await verifyPassword(password, user.passwordHash);
      else await hashPassword(password);
      if (!user || !ok) throw new AppError('unauthorized', 'Wrong email or password', { field: 'password' });
      const csrfToken = await startSession(c, user);
      return c.json({ tenantId: user.tenantId, email: user.email, csrfToken }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/sessions/current',
      tags: ['Account'],
      summary: 'The current session',
      security,
      responses: { 200: jsonResponse(SessionView, 'The session'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      if (p.via !== 'session') throw new AppError('unauthorized', 'Not a dashboard session');
      return c.json({ tenantId: p.tenantId, email: p.author.label, csrfToken: p.csrfToken ?? '' }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/sessions/current',
      tags: ['Account'],
      summary: 'Log out',
      security,
      responses: { 204: { description: 'Logged out' }, ...errorResponses },
    }),
    async (c) => {
      principal(c, 'read');
      const cookie = c.req.header('cookie')?.match(new RegExp(`${sessionCookie}=([^;]+)`))?.[1];
      if (cookie) await store.sessions.delete(sha256(cookie));
      deleteCookie(c, sessionCookie, { path: '/', secure: deps.config.cookieSecure });
      return c.body(null, 204);
    },
  );

  // API keys ------------------------------------------------------------------------------------
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/api-keys',
      tags: ['API keys'],
      summary: 'List API keys (never the secrets)',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(ApiKeyView) }), 'Keys'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const keys = await store.apiKeys.list(p.tenantId);
      return c.json({ data: keys.map(({ hash, tenantId, ...k }) => k) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/api-keys',
      tags: ['API keys'],
      summary: 'Create an API key; the key is in this response only',
      security,
      request: {
        body: jsonBody(
          z.strictObject({
            name: z.string().trim().min(1).max(80).openapi({ example: 'deploy-bot' }),
            scopes: z
              .array(ApiKeyScope)
              .min(1)
              .max(4)
              .openapi({ example: ['incidents'] }),
          }),
        ),
      },
      responses: { 201: jsonResponse(NewApiKey, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const input = c.req.valid('json');
      const secret = newApiKey();
      const key = await store.apiKeys.create({
        id: newId(),
        tenantId: p.tenantId,
        name: input.name,
        scopes: [...new Set(input.scopes)],
        prefix: secret.prefix,
        hash: secret.hash,
        createdAt: now().toISOString(),
      });
      await deps.audit(p, 'api_key.created', { type: 'api_key', id: key.id }, { name: key.name, scopes: key.scopes });
      const { hash, tenantId, ...view } = key;
      return c.json({ ...view, key: secret.key }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/api-keys/{id}',
      tags: ['API keys'],
      summary: 'Revoke an API key',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const { id } = c.req.valid('param');
      await store.apiKeys.revoke(p.tenantId, id);
      await deps.audit(p, 'api_key.revoked', { type: 'api_key', id });
      return c.body(null, 204);
    },
  );

  // Tenant settings and branding ------------------------------------------------------------------
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/tenant',
      tags: ['Tenant'],
      summary: 'Tenant settings and branding',
      security,
      responses: { 200: jsonResponse(TenantView, 'The tenant'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(tenantView(await store.tenants.require(p.tenantId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/tenant',
      tags: ['Tenant'],
      summary: 'Update name, timezone and branding (logo, colours, theme, dark mode, footer links)',
      description:
        'A brand colour that fails WCAG AA contrast against white is rejected with a suggested colour, unless `acceptAdjustedColor` is true, in which case the suggestion is stored.',
      security,
      request: {
        body: jsonBody(
          z
            .strictObject({
              name: Name.optional(),
              timezone: TimeZone.optional(),
              branding: Branding.partial().optional(),
              acceptAdjustedColor: z.boolean().optional(),
              version: z.number().int().min(1).optional().openapi({ example: 4 }),
            })
            .openapi('TenantUpdate'),
        ),
      },
      responses: { 200: jsonResponse(TenantView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const input = c.req.valid('json');
      const current = await store.tenants.require(p.tenantId);
      const branding = { ...current.branding, ...input.branding };
      if (input.branding?.brandColor) {
        const check = checkBrandColor(input.branding.brandColor);
        if (!check.ok) {
          if (!input.acceptAdjustedColor) {
            throw new AppError('validation_failed', check.message ?? 'Insufficient contrast', {
              field: 'branding.brandColor',
            });
          }
          branding.brandColor = check.suggestion ?? branding.brandColor;
        }
      }
      const updated = await store.tenants.update(p.tenantId, input.version ?? current.version, {
        tenant: { name: input.name ?? current.tenant.name, timezone: input.timezone ?? current.tenant.timezone },
        branding,
      });
      await deps.audit(p, 'tenant.updated', { type: 'tenant', id: p.tenantId }, { fields: Object.keys(input) });
      await deps.pageChanged(p.tenantId);
      return c.json(tenantView(updated), 200);
    },
  );
}
