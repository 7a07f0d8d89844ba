import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  applyMaintenanceAutoTransitions,
  IncidentImpact,
  IsoDateTime,
  Maintenance,
  MaintenanceStatus,
  MarkdownBody,
  Name,
} from '@upstate/core';
import { loadMaintenance } from '@upstate/services/maintenance/apply-auto-transitions';
import { deleteMaintenance } from '@upstate/services/maintenance/delete';
import { postMaintenanceUpdate } from '@upstate/services/maintenance/post-update';
import { scheduleMaintenance } from '@upstate/services/maintenance/schedule';
import { updateMaintenance } from '@upstate/services/maintenance/update';
import type { Env } from '../context.ts';
import {
  actorOf,
  errorResponses,
  etag,
  etagHeader,
  IdParam,
  IfMatchHeader,
  ifMatch,
  jsonBody,
  jsonResponse,
  NextCursor,
  PageQuery,
  principal,
  type RouteDeps,
  security,
} from './shared.ts';

const MaintenanceView = Maintenance;
const Fields = {
  name: Name,
  impact: IncidentImpact,
  componentIds: z
    .array(z.string().min(1).max(64))
    .max(200)
    .openapi({ example: ['01JDZ3K7Q8W4N5R6T7Y8V9B0C1'] }),
  scheduledFor: IsoDateTime,
  scheduledUntil: IsoDateTime,
  autoStart: z.boolean(),
  autoComplete: z.boolean(),
};
const notify = z.boolean().optional().openapi({
  description:
    'Notify subscribers of the entry this adds (default `true`, Statuspage’s `deliver_notifications`); `false` only puts it on the page.',
  example: true,
});
const CreateInput = z
  .strictObject({
    ...Fields,
    impact: Fields.impact.optional(),
    componentIds: Fields.componentIds.optional(),
    autoStart: Fields.autoStart.optional(),
    autoComplete: Fields.autoComplete.optional(),
    body: MarkdownBody,
    notify,
  })
  .openapi('CreateMaintenance');
const PatchInput = z
  .strictObject({ ...Fields, notify: z.boolean() })
  .partial()
  .openapi('MaintenancePatch');

export function maintenanceRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, now, services } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/maintenances',
      tags: ['Maintenance'],
      summary: 'List scheduled maintenance (paged)',
      security,
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ data: z.array(MaintenanceView), nextCursor: NextCursor }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      const page = await store.maintenances.list(p.tenantId, { limit: q.limit ?? 25, cursor: q.cursor ?? null });
      return c.json(
        { data: page.items.map((m) => applyMaintenanceAutoTransitions(m, now())), nextCursor: page.nextCursor },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/maintenances',
      tags: ['Maintenance'],
      summary: 'Schedule maintenance (starts and ends automatically by default)',
      security,
      request: { body: jsonBody(CreateInput) },
      responses: { 201: jsonResponse(MaintenanceView, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const saved = await scheduleMaintenance(services, actorOf(c, p), c.req.valid('json'));
      c.header('ETag', etag(saved.version));
      return c.json(saved, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/maintenances/{id}',
      tags: ['Maintenance'],
      summary: 'Get a scheduled maintenance',
      security,
      request: { params: IdParam },
      responses: {
        200: { ...jsonResponse(MaintenanceView, 'The maintenance'), headers: etagHeader },
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const maintenance = await loadMaintenance(services, p.tenantId, c.req.valid('param').id);
      c.header('ETag', etag(maintenance.version));
      return c.json(maintenance, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/maintenances/{id}',
      tags: ['Maintenance'],
      summary: 'Reschedule or edit a maintenance',
      description:
        'Only the fields sent change, applied to the current version; with `If-Match` a stale version is a 409.',
      security,
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(PatchInput) },
      responses: { 200: { ...jsonResponse(MaintenanceView, 'Updated'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const saved = await updateMaintenance(
        services,
        actorOf(c, p),
        c.req.valid('param').id,
        c.req.valid('json'),
        ifMatch(c.req.valid('header')['if-match']),
      );
      c.header('ETag', etag(saved.version));
      return c.json(saved, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/maintenances/{id}/updates',
      tags: ['Maintenance'],
      summary: 'Post a maintenance update (scheduled → in_progress → verifying → completed)',
      description:
        'An append: concurrent posters all land (the service retries its own races). With `If-Match` a stale version is a 409.',
      security,
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: jsonBody(z.strictObject({ status: MaintenanceStatus, body: MarkdownBody, notify })),
      },
      responses: { 201: { ...jsonResponse(MaintenanceView, 'Appended'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const next = await postMaintenanceUpdate(
        services,
        actorOf(c, p),
        { maintenanceId: c.req.valid('param').id, expectedVersion: ifMatch(c.req.valid('header')['if-match']) },
        c.req.valid('json'),
      );
      c.header('ETag', etag(next.version));
      return c.json(next, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/maintenances/{id}',
      tags: ['Maintenance'],
      summary: 'Cancel (delete) a scheduled maintenance',
      security,
      request: { params: IdParam, headers: IfMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      await deleteMaintenance(
        services,
        actorOf(c, p),
        c.req.valid('param').id,
        ifMatch(c.req.valid('header')['if-match']),
      );
      return c.body(null, 204);
    },
  );
}
