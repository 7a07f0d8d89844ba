import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Author } from '@upstate/core';
import type { Env } from '../context.ts';
import { errorResponses, jsonResponse, NextCursor, PageQuery, principal, type RouteDeps, security } from './shared.ts';

const AuditEventView = z
  .object({
    id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    at: z.string().openapi({ example: '2026-03-14T09:26:53Z' }),
    author: Author,
    action: z.string().openapi({ example: 'incident.updated' }),
    target: z.object({
      type: z.string().openapi({ example: 'incident' }),
      id: z.string().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    }),
    detail: z.record(z.string(), z.unknown()).openapi({ example: { from: 'investigating', to: 'identified' } }),
  })
  .openapi('AuditEvent');

const PublishView = z
  .object({
    contentVersion: z.number().openapi({ example: 42 }),
    publishedVersion: z.number().openapi({ example: 41 }),
    state: z.enum(['live', 'publishing', 'pending']),
    lease: z
      .object({
        owner: z.string().openapi({ example: 'publish-7f3a' }),
        expiresAt: z.string().openapi({ example: '2026-03-14T09:26:53Z' }),
      })
      .nullable(),
    lastPublishedAt: z.string().nullable().openapi({ example: '2026-03-14T09:26:53Z' }),
    pageUrl: z.string().openapi({ example: 'https://acme.status.example.com' }),
    /** Page domains the CDN does not serve yet: provisioning failed and is retried every few minutes. */
    cdnPending: z.array(
      z.object({
        domain: z.string().openapi({ example: 'status.example.com' }),
        attempts: z.number().openapi({ example: 2 }),
        firstFailedAt: z.string().openapi({ example: '2026-03-14T09:26:53Z' }),
        lastAttemptAt: z.string().openapi({ example: '2026-03-14T09:31:53Z' }),
      }),
    ),
  })
  .openapi('PublishState');

export function auditRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit-log',
      tags: ['Audit'],
      summary: 'Audit log, newest first (paged)',
      security,
      description: '`author` narrows the log to one member (user id) or API key (key id).',
      request: { query: PageQuery.extend({ author: z.string().min(1).max(128).optional() }) },
      responses: {
        200: jsonResponse(z.object({ data: z.array(AuditEventView), nextCursor: NextCursor }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      // Every member reads the trail (viewers read everything); it names people by email, never secrets.
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      const page = await store.audit.list(p.tenantId, {
        limit: q.limit ?? 50,
        cursor: q.cursor ?? null,
        ...(q.author ? { authorId: q.author } : {}),
      });
      return c.json({ data: page.items.map(({ tenantId, ...e }) => e), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/publish',
      tags: ['Publishing'],
      summary: 'Publish state of the public page',
      security,
      responses: { 200: jsonResponse(PublishView, 'State'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const [state, tenant, pending] = await Promise.all([
        store.publish.get(p.tenantId),
        store.tenants.require(p.tenantId),
        store.provisioning.listForTenant(p.tenantId),
      ]);
      const live = state.lease && Date.parse(state.lease.expiresAt) > deps.now().getTime();
      return c.json(
        {
          contentVersion: state.contentVersion,
          publishedVersion: state.publishedVersion,
          state:
            state.publishedVersion >= state.contentVersion
              ? ('live' as const)
              : live
                ? ('publishing' as const)
                : ('pending' as const),
          lease: state.lease,
          lastPublishedAt: state.lastPublishedAt,
          pageUrl: `${deps.config.pageScheme}://${tenant.tenant.slug}.${deps.config.platformDomain}`,
          // The reason stays in the operator log: it may name platform internals.
          cdnPending: pending.map(({ domain, attempts, firstFailedAt, lastAttemptAt }) => ({
            domain,
            attempts,
            firstFailedAt,
            lastAttemptAt,
          })),
        },
        200,
      );
    },
  );
}
