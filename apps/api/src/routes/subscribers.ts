import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  Delivery,
  NotificationSettings,
  notFound,
  Subscriber,
  SubscriberChannel,
  SubscriptionScope,
} from '@upstate/core';
import type { ServiceDeps } from '@upstate/services/deps';
import { updateNotificationSettings } from '@upstate/services/notifications/update-settings';
import { enableSubscriber } from '@upstate/services/subscribers/enable';
import { importSubscribers } from '@upstate/services/subscribers/import';
import { removeSubscriber } from '@upstate/services/subscribers/remove';
import { setSubscriptionScope } from '@upstate/services/subscribers/set-scope';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import type { Env } from '../context.ts';
import {
  actorOf,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  PageQuery,
  principal,
  type RouteDeps,
  security,
} from './shared.ts';

/** What the subscriber routes need beyond the shared route deps. */
export interface SubscriptionDeps {
  /** The platform secret link tokens derive from (the notifier uses the same one). */
  linkSecret: string;
}

// The tenant sees its subscribers' addresses (it owns the relationship); the webhook secret never again.
const SubscriberView = Subscriber.omit({ secret: true }).extend({
  target: Subscriber.shape.target.meta({ example: 'reader@example.com' }),
  failures: Subscriber.shape.failures.meta({ example: 0 }),
  hasSecret: z.boolean(),
});
const Count = (example: number) => z.number().openapi({ example });
const PageCursor = z.string().nullable().openapi({ example: 'eyJwayI6IlRFTkFOVCMwMUpEWjMifQ.5f2b9c0e' });
// The same rules as core's, with examples for the reference.
const NotificationSettingsDoc = NotificationSettings.extend({
  senderName: NotificationSettings.shape.senderName.meta({ example: 'Acme Status' }),
  replyTo: NotificationSettings.shape.replyTo.meta({ example: 'support@acme.example' }),
  reminderMinutes: NotificationSettings.shape.reminderMinutes.meta({ example: 60 }),
});
const DeliveryView = Delivery.extend({
  entryKey: Delivery.shape.entryKey.meta({ example: 'incident_update#01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
  attempts: Delivery.shape.attempts.meta({ example: 1 }),
  run: Delivery.shape.run.meta({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1-n42' }),
  messageId: Delivery.shape.messageId.meta({ example: '0100018c-5e9a-4b7e-a1f2-3c4d5e6f7a8b-000000' }),
  reason: Delivery.shape.reason.meta({ example: null }),
});
const view = (s: Subscriber) => {
  const { secret, ...rest } = s;
  return { ...rest, hasSecret: secret !== null };
};
const NotificationView = z.object({
  entryKey: z.string().openapi({ example: 'incident_update#01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
  kind: z.enum(['incident', 'maintenance', 'component']),
  run: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1-n42' }),
  claimedAt: z.string().openapi({ example: '2026-03-14T09:26:53.000Z' }),
  completedAt: z.string().nullable().openapi({ example: '2026-03-14T09:27:05.000Z' }),
});

export function subscriberRoutes(app: OpenAPIHono<Env>, deps: RouteDeps, subscriptions: SubscriptionDeps) {
  const { store } = deps;
  const services = (): ServiceDeps => ({ store, publishTrigger: deps.publishTrigger, now: deps.now, log: deps.log });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/subscribers',
      tags: ['Subscribers'],
      summary: 'List subscribers (oldest first, paged), or find one by exact address with `target`',
      security,
      request: {
        query: PageQuery.extend({ target: z.string().max(2048).optional(), channel: SubscriberChannel.optional() }),
      },
      responses: {
        200: jsonResponse(z.object({ data: z.array(SubscriberView), nextCursor: PageCursor }), 'Subscribers'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      if (q.target) {
        const found = await store.subscribers.getByTarget(p.tenantId, q.channel ?? 'email', q.target);
        return c.json({ data: found ? [view(found)] : [], nextCursor: null }, 200);
      }
      const page = await store.subscribers.list(p.tenantId, { limit: q.limit ?? 50, cursor: q.cursor ?? null });
      return c.json({ data: page.items.map(view), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/subscribers/count',
      tags: ['Subscribers'],
      summary: 'Count subscribers by status',
      security,
      responses: {
        200: jsonResponse(z.object({ total: Count(128), confirmed: Count(120), pending: Count(8) }), 'Counts'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.subscribers.count(p.tenantId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscribers',
      tags: ['Subscribers'],
      summary: 'Add a subscriber (confirmed at once: you vouch for it). A webhook answers its signing secret, once.',
      security,
      request: {
        body: jsonBody(
          z.strictObject({
            channel: SubscriberChannel,
            target: z.string().min(1).max(2048).openapi({ example: 'reader@example.com' }),
            scope: SubscriptionScope.optional(),
          }),
        ),
      },
      responses: {
        201: jsonResponse(
          SubscriberView.extend({
            secret: z
              .string()
              .optional()
              .describe('Webhook subscribers only: the signing secret, shown once')
              .openapi({ example: 'whsec_4f9a8c2e61d04b7f9e15a2c3d4b5e6f7' }),
          }),
          'Added',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const body = c.req.valid('json');
      const result = await subscribe(services(), {
        tenantId: p.tenantId,
        channel: body.channel,
        target: body.target,
        ...(body.scope ? { scope: body.scope } : {}),
        confirmed: true,
        linkSecret: subscriptions.linkSecret,
        allowHttp: deps.config.localMode,
        by: actorOf(c, p),
      });
      const subscriber = result.subscriber as Subscriber;
      return c.json({ ...view(subscriber), ...(result.secret ? { secret: result.secret } : {}) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscribers/import',
      tags: ['Subscribers'],
      summary:
        'Import subscribers from CSV (`email` or `channel,target` per line), confirmed at once; all rows are checked before any is written',
      security,
      request: {
        body: jsonBody(
          z.strictObject({
            csv: z.string().min(1).max(60_000).openapi({
              example: 'channel,target\nemail,reader@example.com\nwebhook,https://hooks.example.com/status',
            }),
          }),
        ),
      },
      responses: {
        200: jsonResponse(
          z.object({
            added: Count(2),
            skipped: Count(0),
            secrets: z.array(
              z.object({
                target: z.string().openapi({ example: 'https://hooks.example.com/status' }),
                secret: z.string().openapi({ example: 'whsec_4f9a8c2e61d04b7f9e15a2c3d4b5e6f7' }),
              }),
            ),
          }),
          'Imported (already subscribed rows are skipped); webhook secrets are shown once',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const result = await importSubscribers(services(), {
        tenantId: p.tenantId,
        csv: c.req.valid('json').csv,
        linkSecret: subscriptions.linkSecret,
        allowHttp: deps.config.localMode,
        by: actorOf(c, p),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/subscribers/export',
      tags: ['Subscribers'],
      summary: 'Export every subscriber as CSV (channel, target, status, created, confirmed, components)',
      security,
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      // Cells a spreadsheet would run as a formula get a leading quote (CSV injection).
      const cell = (v: string) => {
        const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
        return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      const lines = ['channel,target,status,created_at,confirmed_at,components'];
      let cursor: string | null = null;
      do {
        const page = await store.subscribers.list(p.tenantId, { limit: 1000, cursor });
        for (const s of page.items) {
          lines.push(
            [s.channel, s.target, s.status, s.createdAt, s.confirmedAt ?? '', (s.scope.componentIds ?? []).join(' ')]
              .map(cell)
              .join(','),
          );
        }
        cursor = page.nextCursor;
      } while (cursor);
      c.header('Content-Disposition', 'attachment; filename="subscribers.csv"');
      return c.body(`${lines.join('\n')}\n`, 200, { 'content-type': 'text/csv; charset=utf-8' });
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/subscribers/{id}/scope',
      tags: ['Subscribers'],
      summary: 'Change what a subscriber hears about',
      security,
      request: { params: IdParam, body: jsonBody(SubscriptionScope) },
      responses: { 200: jsonResponse(SubscriberView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const updated = await setSubscriptionScope(services(), {
        tenantId: p.tenantId,
        subscriberId: c.req.valid('param').id,
        scope: c.req.valid('json'),
        by: actorOf(c, p),
      });
      return c.json(view(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscribers/{id}/enable',
      tags: ['Subscribers'],
      summary: 'Re-enable a webhook that was disabled after repeated failures',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(SubscriberView, 'Enabled'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const { id } = c.req.valid('param');
      return c.json(
        view(await enableSubscriber(services(), { tenantId: p.tenantId, subscriberId: id, by: actorOf(c, p) })),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/subscribers/{id}',
      tags: ['Subscribers'],
      summary: 'Remove a subscriber (its address is deleted)',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const id = c.req.valid('param').id;
      await removeSubscriber(services(), actorOf(c, p), id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/notification-settings',
      tags: ['Subscribers'],
      summary: 'Sender name, reply-to and the maintenance reminder lead time',
      security,
      responses: { 200: jsonResponse(NotificationSettingsDoc, 'Settings'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.notificationSettings.get(p.tenantId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/notification-settings',
      tags: ['Subscribers'],
      summary: 'Set the sender name, reply-to and reminder lead time (minutes; 0 turns reminders off)',
      security,
      request: { body: jsonBody(NotificationSettingsDoc) },
      responses: { 200: jsonResponse(NotificationSettingsDoc, 'Saved'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const saved = await updateNotificationSettings(services(), {
        tenantId: p.tenantId,
        settings: c.req.valid('json'),
        by: actorOf(c, p),
      });
      return c.json(saved, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/notifications',
      tags: ['Subscribers'],
      summary: 'Notifications sent for published timeline entries, newest first',
      security,
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ data: z.array(NotificationView), nextCursor: PageCursor }), 'Notifications'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      const page = await store.notifyEntries.list(p.tenantId, { limit: q.limit ?? 25, cursor: q.cursor ?? null });
      return c.json(
        {
          data: page.items.map(({ entryKey, kind, run, claimedAt, completedAt }) => ({
            entryKey,
            kind,
            run,
            claimedAt,
            completedAt,
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/notifications/{entryKey}/deliveries',
      tags: ['Subscribers'],
      summary: 'The delivery log of one notification: queued, sent, delivered, bounced, failed (with reason), attempts',
      security,
      request: {
        params: z.object({
          entryKey: z
            .string()
            .max(200)
            .openapi({ param: { name: 'entryKey', in: 'path' } }),
        }),
        query: PageQuery,
      },
      responses: {
        200: jsonResponse(z.object({ data: z.array(DeliveryView), nextCursor: PageCursor }), 'Deliveries'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      const { entryKey } = c.req.valid('param');
      if (!(await store.notifyEntries.get(p.tenantId, entryKey))) throw notFound('Notification');
      const page = await store.deliveries.listForEntry(p.tenantId, entryKey, {
        limit: q.limit ?? 100,
        cursor: q.cursor ?? null,
      });
      return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
    },
  );
}
