import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  appendIncidentUpdate,
  type ComponentChange,
  ComponentStatus,
  correctIncidentUpdate,
  createIncident,
  Incident,
  IncidentImpact,
  IncidentStatus,
  IsoDateTime,
  MarkdownBody,
  Name,
  reopenIncident,
  resolveIncident,
} from '@upstate/core';
import type { Env, Principal } from '../context.ts';
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  NextCursor,
  PageQuery,
  principal,
  type RouteDeps,
  security,
} from './shared.ts';

const IncidentView = Incident;
const ComponentStatusInput = z.strictObject({
  componentId: z.string().min(1).max(64).openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
  status: ComponentStatus,
});

const CreateIncidentInput = z
  .strictObject({
    name: Name,
    impact: IncidentImpact,
    status: IncidentStatus.optional(),
    body: MarkdownBody,
    components: z.array(ComponentStatusInput).max(200).optional(),
    displayAt: IsoDateTime.optional(),
  })
  .openapi('CreateIncident');

const UpdateInput = z
  .strictObject({
    status: IncidentStatus,
    body: MarkdownBody,
    components: z.array(ComponentStatusInput).max(200).optional(),
    impact: IncidentImpact.optional(),
    displayAt: IsoDateTime.optional(),
  })
  .openapi('IncidentUpdateInput');

const UpdateParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
  updateId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'updateId', in: 'path' } }),
});

export function incidentRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, now } = deps;

  const context = async (p: Principal) => {
    const components = await store.components.list(p.tenantId);
    return { author: p.author, now: now(), components: new Map(components.map((c) => [c.id, c.status])) };
  };

  /** The incident item is written first (record of truth); component statuses follow. */
  async function applyChanges(p: Principal, incidentId: string, changes: ComponentChange[]) {
    for (const change of changes) {
      await store.components.setStatus(p.tenantId, change.componentId, change.newStatus, 'incident');
      await deps.audit(
        p,
        'component.status_changed',
        { type: 'component', id: change.componentId },
        {
          oldStatus: change.oldStatus,
          newStatus: change.newStatus,
          incidentId,
        },
      );
    }
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/incidents',
      tags: ['Incidents'],
      summary: 'List incidents, newest first (paged)',
      security,
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(z.object({ data: z.array(IncidentView), nextCursor: NextCursor }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const q = c.req.valid('query');
      const page = await store.incidents.list(p.tenantId, { limit: q.limit ?? 25, cursor: q.cursor ?? null });
      return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents',
      tags: ['Incidents'],
      summary: 'Open an incident with its first update and affected components',
      security,
      request: { body: jsonBody(CreateIncidentInput) },
      responses: { 201: jsonResponse(IncidentView, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const { incident, changes } = createIncident(p.tenantId, c.req.valid('json'), await context(p));
      await store.incidents.create(incident);
      await deps.audit(
        p,
        'incident.created',
        { type: 'incident', id: incident.id },
        { status: incident.status, impact: incident.impact },
      );
      await applyChanges(p, incident.id, changes);
      await deps.pageChanged(p.tenantId);
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/incidents/{id}',
      tags: ['Incidents'],
      summary: 'Get an incident with its full timeline (every update and correction)',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(IncidentView, 'The incident'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.incidents.require(p.tenantId, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/updates',
      tags: ['Incidents'],
      summary: 'Post an update: a status transition, a Markdown body and component status changes',
      security,
      request: { params: IdParam, body: jsonBody(UpdateInput) },
      responses: { 201: jsonResponse(IncidentView, 'Appended'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await store.incidents.require(p.tenantId, c.req.valid('param').id);
      const input = c.req.valid('json');
      const { incident, changes } = appendIncidentUpdate(current, input, await context(p));
      await store.incidents.save(incident);
      await deps.audit(
        p,
        'incident.updated',
        { type: 'incident', id: incident.id },
        { from: current.status, to: incident.status },
      );
      await applyChanges(p, incident.id, changes);
      await deps.pageChanged(p.tenantId);
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/updates/{updateId}/corrections',
      tags: ['Incidents'],
      summary: 'Correct an update’s text (appended to the trail; the original is kept)',
      security,
      request: { params: UpdateParams, body: jsonBody(z.strictObject({ body: MarkdownBody })) },
      responses: { 201: jsonResponse(IncidentView, 'Appended'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const { id, updateId } = c.req.valid('param');
      const current = await store.incidents.require(p.tenantId, id);
      const incident = correctIncidentUpdate(current, updateId, c.req.valid('json').body, {
        author: p.author,
        now: now(),
      });
      await store.incidents.save(incident);
      await deps.audit(p, 'incident.update_corrected', { type: 'incident', id }, { updateId });
      await deps.pageChanged(p.tenantId);
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/resolve',
      tags: ['Incidents'],
      summary: 'Resolve; affected components return to operational unless listed',
      security,
      request: {
        params: IdParam,
        body: jsonBody(
          z.strictObject({
            body: MarkdownBody.optional(),
            components: z.array(ComponentStatusInput).max(200).optional(),
          }),
        ),
      },
      responses: { 201: jsonResponse(IncidentView, 'Resolved'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await store.incidents.require(p.tenantId, c.req.valid('param').id);
      const { incident, changes } = resolveIncident(current, c.req.valid('json'), await context(p));
      await store.incidents.save(incident);
      await deps.audit(p, 'incident.resolved', { type: 'incident', id: incident.id }, { from: current.status });
      await applyChanges(p, incident.id, changes);
      await deps.pageChanged(p.tenantId);
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/reopen',
      tags: ['Incidents'],
      summary: 'Reopen a resolved incident',
      security,
      request: {
        params: IdParam,
        body: jsonBody(
          z.strictObject({
            body: MarkdownBody,
            status: IncidentStatus.optional(),
            components: z.array(ComponentStatusInput).max(200).optional(),
          }),
        ),
      },
      responses: { 201: jsonResponse(IncidentView, 'Reopened'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await store.incidents.require(p.tenantId, c.req.valid('param').id);
      const { incident, changes } = reopenIncident(current, c.req.valid('json'), await context(p));
      await store.incidents.save(incident);
      await deps.audit(p, 'incident.reopened', { type: 'incident', id: incident.id }, { to: incident.status });
      await applyChanges(p, incident.id, changes);
      await deps.pageChanged(p.tenantId);
      return c.json(incident, 201);
    },
  );
}
