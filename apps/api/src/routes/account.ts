import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiKeyScope, AppError, Branding, Name, Role, TenantSlug, TimeZone } from '@upstate/core';
import { changePassword } from '@upstate/services/account/change-password';
import type { AccountDeps } from '@upstate/services/account/deps';
import { disableTwoFactor } from '@upstate/services/account/disable-two-factor';
import { enableTwoFactor } from '@upstate/services/account/enable-two-factor';
import { endSession } from '@upstate/services/account/end-session';
import { requestPasswordReset } from '@upstate/services/account/request-password-reset';
import { resetPassword } from '@upstate/services/account/reset-password';
import { setUpTwoFactor } from '@upstate/services/account/set-up-two-factor';
import { roleIn, signIn } from '@upstate/services/account/sign-in';
import { signUp } from '@upstate/services/account/sign-up';
import { startSession } from '@upstate/services/account/start-session';
import { switchTenant } from '@upstate/services/account/switch-tenant';
import { verifyEmail } from '@upstate/services/account/verify-email';
import { createApiKey } from '@upstate/services/api-keys/create';
import { revokeApiKey } from '@upstate/services/api-keys/revoke';
import { pageChanged } from '@upstate/services/page/changed';
import { deleteTenant } from '@upstate/services/tenant/delete';
import { updateTenantSettings } from '@upstate/services/tenant/update-settings';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { newApiKey, sessionCookie, sessionTtlSeconds } from '../auth.ts';
import type { Env, Principal } from '../context.ts';
import { provisionOrQueue } from '../provisioning.ts';
import {
  actorOf,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  principal,
  type RouteDeps,
  security,
} from './shared.ts';

export const Email = z.email().max(254).toLowerCase().openapi({ example: 'ops@example.com' });
export const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200)
  .openapi({ example: 'correct horse battery staple' });
const Token = z.string().min(20).max(200).openapi({ example: 'Qm9vdHN0cmFwLXRva2VuLWV4YW1wbGUtMTIzNDU2' });
const Code = (example: string) => z.string().trim().openapi({ example });

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
    role: Role,
  })
  .openapi('Session');
const Accepted = (status: string) => z.object({ status: z.literal(status) });

/** Account routes act for a person, so they need a dashboard session (any role). */
export function person(c: Context<Env>): Principal & { sessionHash: string } {
  const p = c.get('principal');
  if (p.via !== 'session' || !p.sessionHash) throw new AppError('unauthorized', 'Sign in to the dashboard for this');
  return p as Principal & { sessionHash: string };
}

export function accountDeps(deps: RouteDeps): AccountDeps {
  return {
    store: deps.store,
    publishTrigger: deps.publishTrigger,
    now: deps.now,
    log: deps.log,
    mailer: deps.mailer,
    dashboardUrl: deps.config.dashboardUrl,
    mailFrom: deps.config.mailFrom,
  };
}

export function setSessionCookie(c: Context<Env>, deps: RouteDeps, value: string) {
  setCookie(c, sessionCookie, value, {
    httpOnly: true,
    secure: deps.config.cookieSecure,
    sameSite: 'Lax',
    path: '/',
    maxAge: sessionTtlSeconds,
  });
}

export function accountRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store } = deps;
  const account = accountDeps(deps);
  const pageUrl = (slug: string) => `${deps.config.pageScheme}://${slug}.${deps.config.platformDomain}`;
  const tenantView = (r: Awaited<ReturnType<typeof store.tenants.require>>) => ({
    ...r.tenant,
    branding: r.branding,
    version: r.version,
    pageUrl: pageUrl(r.tenant.slug),
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/signup',
      tags: ['Account'],
      summary: 'Sign up: claims the page address and mails a verification link',
      description:
        'Answers 202 whether or not the email already has an account (its owner is told by email instead), so sign-up never reveals who is registered. The tenant, its first API key and a session are created when the link is opened (`POST /v1/signup/verify`). A taken page address is 409 on `slug`. Limited per client address and, with backoff, per email (429 + Retry-After).',
      request: { body: jsonBody(SignupInput) },
      responses: {
        202: jsonResponse(Accepted('verification_sent').openapi('SignupAccepted'), 'Check your email'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(await signUp(account, { ...input, clientAddress: deps.clientAddress(c) }), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/signup/verify',
      tags: ['Account'],
      summary: 'Open the verification link: creates the tenant, its owner, a first API key (shown once) and a session',
      request: { body: jsonBody(z.strictObject({ token: Token })) },
      responses: {
        201: jsonResponse(
          z.object({ tenant: TenantView, apiKey: NewApiKey, csrfToken: CsrfToken }).openapi('SignupResult'),
          'Created; also starts a dashboard session',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const verified = await verifyEmail(account, c.req.valid('json'));
      const { tenant } = verified;
      // The page at {slug}.{platformDomain} needs its own distribution tenant on AWS. A failure must
      // not lose the account that already exists: it is queued for the provisioning reconciler.
      const tenantId = tenant.tenant.id;
      await provisionOrQueue(deps, tenantId, `${tenant.tenant.slug}.${deps.config.platformDomain}`).catch((e) =>
        deps.log('page domain queued', { tenantId, error: String(e) }),
      );
      await pageChanged(deps.services, tenant.tenant.id);
      const session = await startSession(account, verified.user, tenant.tenant.id, {
        userAgent: c.req.header('user-agent'),
      });
      setSessionCookie(c, deps, session.cookie);
      return c.json(
        {
          tenant: tenantView(tenant),
          apiKey: { ...verified.apiKey, lastUsedAt: null, revokedAt: null },
          csrfToken: session.csrfToken,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/sessions',
      tags: ['Account'],
      summary: 'Log in to the dashboard (HttpOnly session cookie + CSRF token)',
      description:
        'With two-factor on, send `code` (the authenticator code or a recovery code); without it the answer is 401 `two_factor_required` on `code`. Failed attempts back off per email and per client address (429 + Retry-After), checked before any password hashing.',
      request: {
        body: jsonBody(
          z.strictObject({
            email: Email,
            password: z.string().min(1).max(200).openapi({ example: 'correct horse battery staple' }),
            code: Code('492039').max(20).optional(),
          }),
        ),
      },
      responses: { 200: jsonResponse(SessionView, 'Logged in'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await signIn(account, {
        ...input,
        clientAddress: deps.clientAddress(c),
        userAgent: c.req.header('user-agent'),
      });
      setSessionCookie(c, deps, result.cookie);
      const membership = await roleIn(account, result.tenantId, result.user);
      return c.json(
        {
          tenantId: result.tenantId,
          email: result.user.email,
          csrfToken: result.csrfToken,
          role: membership?.role ?? 'viewer',
        },
        200,
      );
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
      const p = person(c);
      return c.json(
        { tenantId: p.tenantId, email: p.author.label, csrfToken: p.csrfToken ?? '', role: p.role ?? 'viewer' },
        200,
      );
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
      const p = person(c);
      await endSession(account, { userId: p.author.id, sessionHash: p.sessionHash });
      deleteCookie(c, sessionCookie, { path: '/', secure: deps.config.cookieSecure });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/sessions/current/tenant',
      tags: ['Account'],
      summary: 'Switch the session to another tenant you are a member of',
      security,
      request: {
        body: jsonBody(
          z.strictObject({ tenantId: z.string().min(1).max(64).openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }) }),
        ),
      },
      responses: { 200: jsonResponse(SessionView, 'Switched'), ...errorResponses },
    }),
    async (c) => {
      const p = person(c);
      const { tenantId } = c.req.valid('json');
      // Not a member looks the same as no such tenant.
      const { role } = await switchTenant(account, {
        sessionHash: p.sessionHash,
        user: { id: p.author.id, email: p.author.label },
        tenantId,
      });
      return c.json({ tenantId, email: p.author.label, csrfToken: p.csrfToken ?? '', role }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/account',
      tags: ['Account'],
      summary: 'The signed-in person: email, two-factor state and every tenant they belong to (tenant switcher)',
      security,
      responses: {
        200: jsonResponse(
          z
            .object({
              userId: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
              email: z.string().openapi({ example: 'ops@example.com' }),
              twoFactor: z.boolean(),
              tenants: z.array(
                z.object({
                  id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
                  name: z.string().openapi({ example: 'Acme Cloud' }),
                  slug: z.string().openapi({ example: 'acme' }),
                  role: Role,
                  current: z.boolean(),
                }),
              ),
            })
            .openapi('Account'),
          'You',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = person(c);
      const user = await store.users.getByEmail(p.author.label);
      const me = { id: p.author.id, email: p.author.label };
      const ids = [...new Set([p.tenantId, ...(await store.users.listMemberships(me.email))])];
      const tenants = [];
      for (const id of ids) {
        const [membership, record] = await Promise.all([roleIn(account, id, me), store.tenants.get(id)]);
        if (membership && record)
          tenants.push({
            id,
            name: record.tenant.name,
            slug: record.tenant.slug,
            role: membership.role,
            current: id === p.tenantId,
          });
      }
      return c.json({ userId: me.id, email: me.email, twoFactor: Boolean(user?.totpSecret), tenants }, 200);
    },
  );

  const SessionItem = z
    .object({
      id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
      createdAt: z.string().openapi({ example: '2026-03-14T09:26:53.000Z' }),
      userAgent: z
        .string()
        .nullable()
        .openapi({ example: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Firefox/125.0' }),
      current: z.boolean(),
    })
    .openapi('SessionItem');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/account/sessions',
      tags: ['Account'],
      summary: 'Your signed-in sessions',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(SessionItem) }), 'Sessions'), ...errorResponses },
    }),
    async (c) => {
      const p = person(c);
      const sessions = await store.sessions.listByUser(p.author.id);
      return c.json(
        {
          data: sessions.map((s) => ({
            id: s.id,
            createdAt: s.createdAt,
            userAgent: s.userAgent ?? null,
            current: s.hash === p.sessionHash,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/account/sessions/{id}',
      tags: ['Account'],
      summary: 'Sign out one of your sessions',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Ended' }, ...errorResponses },
    }),
    async (c) => {
      const p = person(c);
      const { id } = c.req.valid('param');
      await endSession(account, { userId: p.author.id, sessionId: id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/account/password',
      tags: ['Account'],
      summary: 'Change your password (signs out your other sessions)',
      security,
      request: {
        body: jsonBody(
          z.strictObject({
            current: z.string().min(1).max(200).openapi({ example: 'my old passphrase 1' }),
            password: Password,
          }),
        ),
      },
      responses: { 204: { description: 'Changed' }, ...errorResponses },
    }),
    async (c) => {
      const p = person(c);
      const input = c.req.valid('json');
      await changePassword(account, {
        email: p.author.label,
        current: input.current,
        next: input.password,
        keepSessionHash: p.sessionHash,
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/account/two-factor/setup',
      tags: ['Account'],
      summary: 'Start two-factor set-up: a TOTP secret (RFC 6238) to add to an authenticator app',
      security,
      responses: {
        200: jsonResponse(
          z.object({
            secret: z.string().openapi({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }),
            otpauthUri: z.string().openapi({
              example:
                'otpauth://totp/Upstate:ops%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Upstate',
            }),
          }),
          'The pending secret',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = person(c);
      return c.json(await setUpTwoFactor(account, { email: p.author.label }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/account/two-factor/enable',
      tags: ['Account'],
      summary: 'Confirm a code from the pending secret; returns ten single-use recovery codes (shown once)',
      security,
      request: { body: jsonBody(z.strictObject({ code: Code('492039').min(6).max(10) })) },
      responses: {
        200: jsonResponse(
          z.object({ recoveryCodes: z.array(z.string().openapi({ example: 'k3f9-2m7q' })) }),
          'Two-factor is on',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = person(c);
      const result = await enableTwoFactor(account, {
        email: p.author.label,
        code: c.req.valid('json').code,
        sessionHash: p.sessionHash,
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/account/two-factor/disable',
      tags: ['Account'],
      summary: 'Turn two-factor off (needs your password; refused while a team of yours requires it)',
      security,
      request: {
        body: jsonBody(
          z.strictObject({ password: z.string().min(1).max(200).openapi({ example: 'correct horse battery staple' }) }),
        ),
      },
      responses: { 204: { description: 'Off' }, ...errorResponses },
    }),
    async (c) => {
      const p = person(c);
      await disableTwoFactor(account, {
        email: p.author.label,
        userId: p.author.id,
        password: c.req.valid('json').password,
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/password-resets',
      tags: ['Account'],
      summary: 'Mail a password-reset link (answers the same for any address)',
      request: { body: jsonBody(z.strictObject({ email: Email })) },
      responses: { 202: jsonResponse(Accepted('reset_sent'), 'Check your email'), ...errorResponses },
    }),
    async (c) => c.json(await requestPasswordReset(account, c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/password-resets/confirm',
      tags: ['Account'],
      summary: 'Set a new password with a reset link (single use, 1 hour); signs out every session',
      request: { body: jsonBody(z.strictObject({ token: Token, password: Password })) },
      responses: { 204: { description: 'Password set' }, ...errorResponses },
    }),
    async (c) => {
      await resetPassword(account, c.req.valid('json'));
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
      const key = await createApiKey(deps.services, actorOf(c, p), input, secret);
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
      await revokeApiKey(deps.services, actorOf(c, p), id);
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
      const { version, ...input } = c.req.valid('json');
      const updated = await updateTenantSettings(deps.services, actorOf(c, p), input, version);
      return c.json(tenantView(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/tenant',
      tags: ['Tenant'],
      summary: 'Delete the tenant: its page, domains, data and slug (owners only; type the page address to confirm)',
      description:
        'Marks the tenant deleted at once (its page stops routing, every member and key is refused), then takes the page off the CDN, releases its custom domains, removes every item it holds (subscriber addresses included) and frees the page address. `deleted` when all of it is done; `deleting` when a step failed and the reconciler finishes it. Members keep their accounts; one whose only tenant this was keeps a login with no team (sign-in answers 403 `no_team`; an invite still joins a team). Repeating it after the first call is refused like any request of a deleted tenant.',
      security,
      request: {
        query: z.object({
          confirm: z
            .string()
            .min(1)
            .max(64)
            .openapi({ example: 'acme', description: 'The page address (slug), typed to confirm' }),
        }),
      },
      responses: {
        202: jsonResponse(
          z
            .object({ status: z.enum(['deleted', 'deleting']).openapi({ example: 'deleted' }) })
            .openapi('TenantDeleted'),
          'Deleted, or under way',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'owner');
      const result = await deleteTenant(
        {
          ...deps.services,
          siteTakedown: deps.siteTakedown,
          domainProvisioner: deps.domainProvisioner,
          platformDomain: deps.config.platformDomain,
        },
        { actor: actorOf(c, p), confirm: c.req.valid('query').confirm },
      );
      if (p.via === 'session') deleteCookie(c, sessionCookie, { path: '/', secure: deps.config.cookieSecure });
      return c.json(result, 202);
    },
  );
}
