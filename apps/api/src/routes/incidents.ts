import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ComponentStatus,
  Incident,
  IncidentImpact,
  IncidentStatus,
  IsoDateTime,
  MarkdownBody,
  Name,
} from '@upstate/core';
import { correctIncident } from '@upstate/services/incidents/correct';
import { openIncident } from '@upstate/services/incidents/open';
import { postIncidentUpdate } from '@upstate/services/incidents/post-update';
import { reopenIncident } from '@upstate/services/incidents/reopen';
import { resolveIncident } from '@upstate/services/incidents/resolve';
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

const IncidentView = Incident;
const ComponentStatusInput = z.strictObject({
  componentId: z.string().min(1).max(64).openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
  status: ComponentStatus,
});

/** Statuspage's `deliver_notifications`: off puts the entry on the page and tells no subscriber. */
const Notify = z.boolean().optional().openapi({
  description: 'Notify subscribers of this entry (default `true`); `false` only puts it on the page.',
  example: true,
});

const CreateIncidentInput = z
  .strictObject({
    name: Name,
    impact: IncidentImpact,
    status: IncidentStatus.optional(),
    body: MarkdownBody,
    components: z.array(ComponentStatusInput).max(200).optional(),
    displayAt: IsoDateTime.optional(),
    notify: Notify,
  })
  .openapi('CreateIncident');

const UpdateInput = z
  .strictObject({
    status: IncidentStatus,
    body: MarkdownBody,
    components: z.array(ComponentStatusInput).max(200).optional(),
    impact: IncidentImpact.optional(),
    displayAt: IsoDateTime.optional(),
    notify: Notify,
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
  const { store, services } = deps;
  const appended = { ...jsonResponse(IncidentView, 'Appended'), headers: etagHeader };
  const appendNote =
    'An append: concurrent posters all land (the service retries its own races). Send `If-Match` to refuse the write when the incident changed since your GET.';

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
      responses: { 201: { ...jsonResponse(IncidentView, 'Created'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const incident = await openIncident(services, actorOf(c, p), c.req.valid('json'));
      c.header('ETag', etag(incident.version));
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
      responses: { 200: { ...jsonResponse(IncidentView, 'The incident'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const incident = await store.incidents.require(p.tenantId, c.req.valid('param').id);
      c.header('ETag', etag(incident.version));
      return c.json(incident, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/updates',
      tags: ['Incidents'],
      summary: 'Post an update: a status transition, a Markdown body and component status changes',
      description: appendNote,
      security,
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(UpdateInput) },
      responses: { 201: appended, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const incident = await postIncidentUpdate(
        services,
        actorOf(c, p),
        { incidentId: c.req.valid('param').id, expectedVersion: ifMatch(c.req.valid('header')['if-match']) },
        c.req.valid('json'),
      );
      c.header('ETag', etag(incident.version));
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/updates/{updateId}/corrections',
      tags: ['Incidents'],
      summary: 'Correct an update’s text (appended to the trail; the original is kept)',
      description: appendNote,
      security,
      request: { params: UpdateParams, headers: IfMatchHeader, body: jsonBody(z.strictObject({ body: MarkdownBody })) },
      responses: { 201: appended, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const { id, updateId } = c.req.valid('param');
      const incident = await correctIncident(
        services,
        actorOf(c, p),
        { incidentId: id, updateId, expectedVersion: ifMatch(c.req.valid('header')['if-match']) },
        c.req.valid('json').body,
      );
      c.header('ETag', etag(incident.version));
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/resolve',
      tags: ['Incidents'],
      summary: 'Resolve; affected components return to operational unless listed',
      description: appendNote,
      security,
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: jsonBody(
          z.strictObject({
            body: MarkdownBody.optional(),
            components: z.array(ComponentStatusInput).max(200).optional(),
            notify: Notify,
          }),
        ),
      },
      responses: { 201: { ...appended, description: 'Resolved' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const incident = await resolveIncident(
        services,
        actorOf(c, p),
        { incidentId: c.req.valid('param').id, expectedVersion: ifMatch(c.req.valid('header')['if-match']) },
        c.req.valid('json'),
      );
      c.header('ETag', etag(incident.version));
      return c.json(incident, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/incidents/{id}/reopen',
      tags: ['Incidents'],
      summary: 'Reopen a resolved incident',
      description: appendNote,
      security,
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: jsonBody(
          z.strictObject({
            body: MarkdownBody,
            status: IncidentStatus.optional(),
            components: z.array(ComponentStatusInput).max(200).optional(),
            notify: Notify,
          }),
        ),
      },
      responses: { 201: { ...appended, description: 'Reopened' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const incident = await reopenIncident(
        services,
        actorOf(c, p),
        { incidentId: c.req.valid('param').id, expectedVersion: ifMatch(c.req.valid('header')['if-match']) },
        c.req.valid('json'),
      );
      c.header('ETag', etag(incident.version));
      return c.json(incident, 201);
    },
  );
}
