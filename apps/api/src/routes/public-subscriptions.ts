import type { OpenAPIHono } from '@hono/zod-openapi';
import { AppError, isAppError, readableBrandColor, type Subscriber, type SubscriptionScope } from '@upstate/core';
import type { ServiceDeps } from '@upstate/services/deps';
import { confirmSubscription } from '@upstate/services/subscribers/confirm';
import { setSubscriptionScope } from '@upstate/services/subscribers/set-scope';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import { unsubscribe } from '@upstate/services/subscribers/unsubscribe';
import { type TenantRecord, tokenHash } from '@upstate/store';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Env } from '../context.ts';
import type { RouteDeps } from './shared.ts';
import { statuspageSubscriberRoutes } from './statuspage-subscribers.ts';

/** Sends the opt-in email (the notifier's template through the Mailer); injected so the API stays free of mail code. */
export type SendConfirmation = (input: {
  tenantId: string;
  /** The sender name (the tenant's notification settings, else its name). */
  tenantName: string;
  brandColor: string;
  pageUrl: string;
  replyTo: string | null;
  to: string;
  confirmUrl: string;
}) => Promise<void>;

export interface PublicSubscriptionDeps {
  linkSecret: string;
  /** Public base URL of this API, for the links in emails (no trailing slash). */
  apiBase: string;
  sendConfirmation: SendConfirmation;
  /** Subscribe attempts per minute per client address (default 10). */
  subscribesPerMinute?: number;
}

/**
 * The reader's double opt-in, shared by the page's form and the Statuspage-compatible call: a pending
 * subscription and its confirmation email. Nothing tells the caller whether the address was already
 * subscribed (a confirmed one gets no email and the same answer).
 */
export async function startOptIn(
  deps: RouteDeps,
  options: PublicSubscriptionDeps,
  record: TenantRecord,
  input: { email: string; scope: SubscriptionScope },
): Promise<void> {
  const services: ServiceDeps = {
    store: deps.store,
    publishTrigger: deps.publishTrigger,
    now: deps.now,
    log: deps.log,
  };
  const result = await subscribe(services, {
    tenantId: record.tenant.id,
    channel: 'email',
    target: input.email,
    scope: input.scope,
    confirmed: false,
    linkSecret: options.linkSecret,
    allowHttp: deps.config.localMode,
  });
  if (!result.token || !result.subscriber) return;
  const settings = await deps.store.notificationSettings.get(record.tenant.id);
  await options.sendConfirmation({
    tenantId: record.tenant.id,
    tenantName: settings.senderName ?? record.tenant.name,
    replyTo: settings.replyTo,
    brandColor: record.branding.brandColor,
    pageUrl: `${deps.config.pageScheme}://${record.tenant.slug}.${deps.config.platformDomain}`,
    to: result.subscriber.target,
    confirmUrl: `${options.apiBase}/public/subscriptions/${encodeURIComponent(result.token)}/confirm`,
  });
}

/** Subscribe attempts per client address, per minute, across the form and the Statuspage call. */
export async function limitSubscribes(deps: RouteDeps, options: PublicSubscriptionDeps, client: string) {
  const limit = await deps.store.rateLimits.hit(`subscribe:${client}`, options.subscribesPerMinute ?? 10);
  if (!limit.allowed)
    throw new AppError('rate_limited', 'Too many subscribe attempts; try again shortly', {
      retryAfter: limit.retryAfter,
    });
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/**
 * The reader's pages: plain HTML forms (no JavaScript), in the tenant's name and brand colour, every
 * tenant string escaped. Nothing here shows a subscriber's address.
 */
function page(record: TenantRecord | undefined, title: string, inner: string, status = 200) {
  const name = record?.tenant.name ?? 'Status updates';
  const color = readableBrandColor(record?.branding.brandColor ?? '#2563eb');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${escapeHtml(name)}</title></head>
<body style="margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f4f6;color:#111827">
<header style="background:${color};color:#fff;padding:16px 24px"><p style="margin:0;font-weight:bold;font-size:18px">${escapeHtml(name)}</p></header>
<main style="max-width:560px;margin:24px auto;background:#fff;padding:24px;border-radius:8px;line-height:1.5">
<h1 style="font-size:22px;margin-top:0">${escapeHtml(title)}</h1>${inner}</main></body></html>`;
  return { html, status, color };
}

const button = (color: string, label: string) =>
  `<button type="submit" style="background:${color};color:#fff;border:0;border-radius:6px;padding:10px 18px;font-size:16px;font-weight:bold;cursor:pointer">${escapeHtml(label)}</button>`;

export function publicSubscriptionRoutes(app: OpenAPIHono<Env>, deps: RouteDeps, options: PublicSubscriptionDeps) {
  const { store } = deps;
  const services = (): ServiceDeps => ({ store, publishTrigger: deps.publishTrigger, now: deps.now, log: deps.log });
  const pageUrl = (slug: string) => `${deps.config.pageScheme}://${slug}.${deps.config.platformDomain}`;
  const linkBase = (token: string) => `${options.apiBase}/public/subscriptions/${encodeURIComponent(token)}`;
  const send = (c: Context<Env>, p: ReturnType<typeof page>) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    return c.html(p.html, p.status as 200);
  };
  const bySubscriber = async (token: string) => {
    const subscriber = await store.subscribers.getByToken(tokenHash(token));
    const record = subscriber ? await store.tenants.get(subscriber.tenantId) : undefined;
    return { subscriber, record };
  };
  const invalidLink = (c: Context<Env>) =>
    send(
      c,
      page(
        undefined,
        'This link is no longer valid',
        '<p>The subscription was removed, or the link is incomplete.</p>',
        404,
      ),
    );

  statuspageSubscriberRoutes(app, deps, options);
  app.use('/public/*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('Request body too large', 413) }));

  // The page's /subscribe/ form posts here (urlencoded); API clients may post JSON and get JSON back.
  app.post('/public/pages/:slug/subscribe', async (c) => {
    const slug = c.req.param('slug');
    const record = await store.tenants.getBySlug(slug);
    const wantsJson = (c.req.header('content-type') ?? '').startsWith('application/json');
    if (!record) {
      if (wantsJson) throw new AppError('not_found', 'No such status page', { field: 'slug' });
      return send(c, page(undefined, 'No such status page', '<p>Check the address of the status page.</p>', 404));
    }
    await limitSubscribes(deps, options, c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown');

    let email = '';
    let componentIds: string[] | null = null;
    let componentUpdates = false;
    if (wantsJson) {
      const body = (await c.req.json().catch(() => null)) as { email?: unknown; components?: unknown } | null;
      email = typeof body?.email === 'string' ? body.email : '';
      if (Array.isArray(body?.components))
        componentIds = body.components.filter((x): x is string => typeof x === 'string');
    } else {
      const form = await c.req.parseBody({ all: true });
      email = typeof form.email === 'string' ? form.email : '';
      const picked = ([] as unknown[]).concat(form.component ?? []).filter((x): x is string => typeof x === 'string');
      componentIds = form.scope === 'components' ? picked : null;
      componentUpdates = form.componentUpdates === 'on';
    }
    try {
      await startOptIn(deps, options, record, {
        email,
        scope: { componentIds: componentIds?.length ? componentIds : null, componentUpdates },
      });
    } catch (error) {
      if (wantsJson || !isAppError(error) || error.code !== 'validation_failed') throw error;
      const back = `${pageUrl(record.tenant.slug)}/subscribe/`;
      return send(
        c,
        page(
          record,
          'Check your email address',
          `<p role="alert" data-code="${escapeHtml(error.code)}" data-field="${escapeHtml(error.field ?? '')}">${escapeHtml(error.message)}.</p><p><a href="${escapeHtml(back)}">Back to the form</a></p>`,
          400,
        ),
      );
    }
    // The same answer whether or not the address was already subscribed: the page reveals nothing.
    if (wantsJson) return c.json({ status: 'confirmation_sent' }, 202);
    return send(
      c,
      page(
        record,
        'Check your inbox',
        `<p>We sent a confirmation link to the address you gave. Follow it to start getting ${escapeHtml(record.tenant.name)} status updates.</p>
<p>Nothing is sent until you confirm. If no email arrives within a few minutes, check your spam folder.</p>
<p><a href="${escapeHtml(pageUrl(record.tenant.slug))}/">Back to the status page</a></p>`,
        202,
      ),
    );
  });

  // A GET never changes anything: mail scanners open links. The button posts.
  app.get('/public/subscriptions/:token/confirm', async (c) => {
    const { subscriber, record } = await bySubscriber(c.req.param('token'));
    if (!subscriber) return invalidLink(c);
    const p = page(record, 'Confirm your subscription', '');
    return send(
      c,
      page(
        record,
        'Confirm your subscription',
        `<p>Get ${escapeHtml(record?.tenant.name ?? '')} status updates by email.</p><form method="post">${button(p.color, 'Confirm subscription')}</form>`,
      ),
    );
  });

  app.post('/public/subscriptions/:token/confirm', async (c) => {
    const token = c.req.param('token');
    const { subscriber, record } = await bySubscriber(token);
    if (!subscriber) return invalidLink(c);
    await confirmSubscription(services(), { token });
    return send(
      c,
      page(
        record,
        'You are subscribed',
        `<p>You will get an email when ${escapeHtml(record?.tenant.name ?? '')} posts an incident or maintenance.</p><p><a href="${escapeHtml(linkBase(token))}">Manage your subscription</a></p>`,
      ),
    );
  });

  const managePage = async (
    c: Context<Env>,
    token: string,
    subscriber: Subscriber,
    record: TenantRecord | undefined,
    saved: boolean,
  ) => {
    const [components, groups] = await Promise.all([
      store.components.list(subscriber.tenantId),
      store.groups.list(subscriber.tenantId),
    ]);
    const followed = new Set(subscriber.scope.componentIds ?? []);
    const all = subscriber.scope.componentIds === null;
    const color = readableBrandColor(record?.branding.brandColor ?? '#2563eb');
    const box = (id: string, label: string) =>
      `<li><label><input type="checkbox" name="component" value="${escapeHtml(id)}"${followed.has(id) ? ' checked' : ''}> ${escapeHtml(label)}</label></li>`;
    const inner = `${saved ? '<p role="status"><strong>Saved.</strong></p>' : ''}
<form method="post" action="${escapeHtml(linkBase(token))}">
<fieldset style="border:0;padding:0"><legend style="font-weight:bold">What to hear about</legend>
<p><label><input type="radio" name="scope" value="all"${all ? ' checked' : ''}> Everything on this page</label><br>
<label><input type="radio" name="scope" value="components"${all ? '' : ' checked'}> Only these components and groups:</label></p>
<ul style="list-style:none;padding-left:16px">${groups.map((g) => box(g.id, `${g.name} (group)`)).join('')}${components.map((x) => box(x.id, x.name)).join('')}</ul>
<p><label><input type="checkbox" name="componentUpdates"${subscriber.scope.componentUpdates ? ' checked' : ''}> Also tell me when a component's status changes</label></p>
<p style="font-size:14px;color:#4b5563">Incidents and maintenance are always sent.</p></fieldset>
${button(color, 'Save')}</form>
<hr style="margin:24px 0;border:0;border-top:1px solid #e5e7eb">
<form method="post" action="${escapeHtml(linkBase(token))}/unsubscribe"><button type="submit" style="background:#fff;color:#b91c1c;border:1px solid #b91c1c;border-radius:6px;padding:8px 16px;font-size:16px;cursor:pointer">Unsubscribe</button></form>`;
    return send(c, page(record, 'Manage your subscription', inner));
  };

  app.get('/public/subscriptions/:token', async (c) => {
    const token = c.req.param('token');
    const { subscriber, record } = await bySubscriber(token);
    if (!subscriber) return invalidLink(c);
    return managePage(c, token, subscriber, record, c.req.query('saved') === '1');
  });

  app.post('/public/subscriptions/:token', async (c) => {
    const token = c.req.param('token');
    const { subscriber } = await bySubscriber(token);
    if (!subscriber) return invalidLink(c);
    const form = await c.req.parseBody({ all: true });
    const picked = ([] as unknown[]).concat(form.component ?? []).filter((x): x is string => typeof x === 'string');
    const scope: SubscriptionScope = {
      componentIds: form.scope === 'components' && picked.length ? picked : null,
      componentUpdates: form.componentUpdates === 'on',
    };
    await setSubscriptionScope(services(), { token, scope });
    return c.redirect(`${linkBase(token)}?saved=1`, 303);
  });

  app.get('/public/subscriptions/:token/unsubscribe', async (c) => {
    const { subscriber, record } = await bySubscriber(c.req.param('token'));
    if (!subscriber)
      return send(c, page(undefined, 'You are unsubscribed', '<p>This address gets no more status updates.</p>'));
    const color = readableBrandColor(record?.branding.brandColor ?? '#2563eb');
    return send(
      c,
      page(
        record,
        'Unsubscribe',
        `<p>Stop getting ${escapeHtml(record?.tenant.name ?? '')} status updates at this address?</p><form method="post">${button(color, 'Unsubscribe')}</form>`,
      ),
    );
  });

  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here; a person's button posts too.
  // Idempotent: a second POST (or a retry) answers the same page.
  app.post('/public/subscriptions/:token/unsubscribe', async (c) => {
    const token = c.req.param('token');
    const { tenantId } = await unsubscribe(services(), { token });
    const record = tenantId ? await store.tenants.get(tenantId) : undefined;
    return send(
      c,
      page(
        record,
        'You are unsubscribed',
        `<p>This address gets no more status updates${record ? ` from ${escapeHtml(record.tenant.name)}` : ''}. Its address was deleted.</p>${record ? `<p><a href="${escapeHtml(pageUrl(record.tenant.slug))}/subscribe/">Subscribe again</a></p>` : ''}`,
      ),
    );
  });
}
