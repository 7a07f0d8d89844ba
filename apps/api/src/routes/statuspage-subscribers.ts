import { createHmac } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AppError, isAppError, SubscriptionScope } from '@upstate/core';
import type { TenantRecord } from '@upstate/store';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Env } from '../context.ts';
import { limitSubscribes, type PublicSubscriptionDeps, startOptIn } from './public-subscriptions.ts';
import type { RouteDeps } from './shared.ts';

/** The Statuspage-compatible subscribe call, served on the tenant's own page host through the CDN. */
export const statuspageSubscribePath = '/api/v2/subscribers.json';
/** The viewer's host as the CDN saw it (set by CloudFront's behaviour, and by the local edge). */
export const siteHostHeader = 'x-upstate-site-host';

interface StatuspageSubscribeBody {
  email: string;
  componentIds: string[];
  endpoint: string | null;
  incident: string | null;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const texts = (value: unknown): string[] =>
  ([] as unknown[]).concat(value ?? []).filter((x): x is string => typeof x === 'string' && x.length > 0);

/**
 * What Statuspage takes, as its widget and clients send it: a form (`subscriber[email]`,
 * `subscriber[component_ids][]`, `subscriber[endpoint]`, `subscriber[incident]`) or JSON
 * (`{ subscriber: { email, component_ids | component_id, endpoint, incident_id } }`).
 */
async function readBody(c: Context<Env>): Promise<StatuspageSubscribeBody> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/json\b/i.test(type)) {
    const body = (await c.req.json().catch(() => {
      throw new AppError('invalid_json', 'The body is not valid JSON', { field: 'body' });
    })) as { subscriber?: Record<string, unknown> } | null;
    const s =
      body && typeof body === 'object' && body.subscriber && typeof body.subscriber === 'object' ? body.subscriber : {};
    return {
      email: text(s.email) ?? '',
      componentIds: [...texts(s.component_ids), ...texts(s.component_id)],
      endpoint: text(s.endpoint),
      incident: text(s.incident_id) ?? text(s.incident),
    };
  }
  const form = type ? await c.req.parseBody({ all: true }) : {};
  const query = c.req.queries();
  const field = (name: string) => form[name] ?? query[name];
  return {
    email: text(([] as unknown[]).concat(field('subscriber[email]') ?? [])[0]) ?? '',
    componentIds: [
      ...texts(field('subscriber[component_ids][]')),
      ...texts(field('subscriber[component_ids]')),
      ...texts(field('subscriber[component_id]')),
    ],
    endpoint: text(([] as unknown[]).concat(field('subscriber[endpoint]') ?? [])[0]),
    incident: text(
      ([] as unknown[]).concat(field('subscriber[incident]') ?? field('subscriber[incident_id]') ?? [])[0],
    ),
  };
}

/** The page's host, lower-cased, without port or trailing dot. */
const bareHost = (raw: string) => raw.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');

/**
 * `POST /api/v2/subscribers.json` on a tenant's page host: the same double opt-in as the page's form.
 * The tenant is the viewer's host (the CDN's `x-upstate-site-host`, else `Host`): `{slug}.{platform}`
 * or a verified custom domain; any other host is a 404. CORS is open as on the page's other v2 JSON,
 * since the Statuspage widget posts from the tenant's own site.
 */
export function statuspageSubscriberRoutes(app: OpenAPIHono<Env>, deps: RouteDeps, options: PublicSubscriptionDeps) {
  const { store } = deps;
  const platform = bareHost(deps.config.platformDomain);
  const tenantOf = async (host: string): Promise<TenantRecord | undefined> => {
    if (host.endsWith(`.${platform}`)) return store.tenants.getBySlug(host.slice(0, -platform.length - 1));
    if (host === platform || !host.includes('.')) return undefined;
    const domain = await store.domains.getVerifiedByDomain(host);
    return domain ? store.tenants.get(domain.tenantId) : undefined;
  };
  // An opaque id that is the same whether or not the address was already subscribed: the answer
  // reveals nothing about who subscribes.
  const opaqueId = (tenantId: string, email: string) =>
    createHmac('sha256', options.linkSecret)
      .update(`statuspage-subscriber\n${tenantId}\n${email}`)
      .digest('hex')
      .slice(0, 12);

  app.use(
    statuspageSubscribePath,
    cors({ origin: '*', allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Content-Type'], maxAge: 86_400 }),
  );
  app.use(
    statuspageSubscribePath,
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new AppError('payload_too_large', 'Request bodies are limited to 16384 bytes', { field: 'body' });
      },
    }),
  );
  app.post(statuspageSubscribePath, async (c) => {
    const host = bareHost(c.req.header(siteHostHeader) ?? c.req.header('host') ?? '');
    const record = host ? await tenantOf(host) : undefined;
    if (!record) throw new AppError('not_found', 'No status page at this host', { field: 'Host' });
    const body = await readBody(c);
    // Upstate has no per-incident subscriptions, and a webhook added by a stranger could not be given
    // its signing secret safely: both are refused rather than quietly turned into something else.
    if (body.incident !== null)
      throw new AppError(
        'validation_failed',
        'Subscriptions to a single incident are not offered; subscribe to the page',
        {
          field: 'subscriber[incident]',
        },
      );
    if (body.endpoint !== null)
      throw new AppError(
        'validation_failed',
        'Webhook subscriptions are added by the page owner (they are signed with a secret shown once); subscribe an email address here',
        { field: 'subscriber[endpoint]' },
      );
    if (!body.email)
      throw new AppError('validation_failed', 'An email address is required', { field: 'subscriber[email]' });
    await limitSubscribes(deps, options, c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown');
    const componentIds = [...new Set(body.componentIds)];
    const scope = SubscriptionScope.safeParse({
      componentIds: componentIds.length ? componentIds : null,
      componentUpdates: false,
    });
    if (!scope.success)
      throw new AppError('validation_failed', 'At most 200 known component ids', {
        field: 'subscriber[component_ids]',
      });
    try {
      await startOptIn(deps, options, record, { email: body.email, scope: scope.data });
    } catch (error) {
      if (!isAppError(error) || error.code !== 'validation_failed') throw error;
      const field = error.field?.startsWith('scope') ? 'subscriber[component_ids]' : 'subscriber[email]';
      throw new AppError('validation_failed', error.message, { field });
    }
    const email = body.email.trim().toLowerCase();
    return c.json(
      {
        subscriber: {
          id: opaqueId(record.tenant.id, email),
          email,
          mode: 'email',
          created_at: deps.now().toISOString(),
          quarantined_at: null,
          purge_at: null,
          skip_confirmation_notification: false,
          ...(componentIds.length ? { components: componentIds } : {}),
        },
      },
      201,
    );
  });
}
