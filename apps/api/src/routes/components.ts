import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Component, ComponentGroup, ComponentStatus, Description, Name } from '@upstate/core';
import { createComponent } from '@upstate/services/components/create';
import { createGroup } from '@upstate/services/components/create-group';
import { deleteComponent } from '@upstate/services/components/delete';
import { deleteGroup } from '@upstate/services/components/delete-group';
import { reorderComponents } from '@upstate/services/components/reorder';
import { updateComponent } from '@upstate/services/components/update';
import { updateGroup } from '@upstate/services/components/update-group';
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
  principal,
  type RouteDeps,
  security,
} from './shared.ts';

const Version = z.number().openapi({ example: 3 });
const ComponentView = Component.extend({ version: Version });
const GroupView = ComponentGroup.extend({ version: Version });

const ComponentInput = z
  .strictObject({
    name: Name,
    description: Description.nullable().optional(),
    groupId: z.string().max(64).nullable().optional().openapi({ example: '01JDZ3K7Q8W4N5R6T7Y8V9B0C1' }),
    position: z.number().int().min(0).max(10_000).optional().openapi({ example: 2 }),
    status: ComponentStatus.optional(),
    onlyShowIfDegraded: z.boolean().optional(),
    showUptime: z.boolean().optional(),
    startDate: z.iso.date().optional().openapi({ example: '2026-01-01' }),
  })
  .openapi('ComponentInput');

const ComponentPatch = ComponentInput.partial()
  .extend({
    version: z.number().int().min(1).optional().openapi({ example: 3 }),
    /** Clears a hand-set status so monitors drive it again. */
    clearManualStatus: z.boolean().optional(),
    notify: z.boolean().optional().openapi({
      description:
        'Tell subscribers who opted in to component updates about a status change (default `true`); `false` only changes the page.',
    }),
  })
  .strict()
  .openapi('ComponentPatch');

const GroupInput = z
  .strictObject({
    name: Name,
    description: Description.nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional().openapi({ example: 0 }),
  })
  .openapi('ComponentGroupInput');

export function componentRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, services } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/components',
      tags: ['Components'],
      summary: 'List components in page order',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(ComponentView) }), 'Components'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json({ data: await store.components.list(p.tenantId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/components',
      tags: ['Components'],
      summary: 'Create a component',
      security,
      request: { body: jsonBody(ComponentInput) },
      responses: { 201: jsonResponse(ComponentView, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const component = await createComponent(services, actorOf(c, p), c.req.valid('json'));
      c.header('ETag', etag(component.version));
      return c.json(component, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/components/{id}',
      tags: ['Components'],
      summary: 'Get a component',
      security,
      request: { params: IdParam },
      responses: { 200: { ...jsonResponse(ComponentView, 'The component'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const component = await store.components.require(p.tenantId, c.req.valid('param').id);
      c.header('ETag', etag(component.version));
      return c.json(component, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/components/{id}',
      tags: ['Components'],
      summary: 'Update a component or set its status',
      description:
        'A status set here holds until `clearManualStatus` is sent, even when monitors disagree. A status change notifies the subscribers who opted in to component updates once the page shows it; a change within a minute of the previous one waits until the status has held for a minute, folding the changes in between into one message. Only the fields sent change: without `If-Match` (or `version`) they apply to the current version, so a concurrent change of another field is kept; with it, a stale version is a 409.',
      security,
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(ComponentPatch) },
      responses: { 200: { ...jsonResponse(ComponentView, 'Updated'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const { version, ...input } = c.req.valid('json');
      const updated = await updateComponent(
        services,
        actorOf(c, p),
        c.req.valid('param').id,
        input,
        ifMatch(c.req.valid('header')['if-match']) ?? version,
      );
      c.header('ETag', etag(updated.version));
      return c.json(updated, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/components/{id}',
      tags: ['Components'],
      summary: 'Delete a component',
      security,
      request: { params: IdParam, headers: IfMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const expected = ifMatch(c.req.valid('header')['if-match']);
      await deleteComponent(services, actorOf(c, p), c.req.valid('param').id, expected);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/component-order',
      tags: ['Components'],
      summary: 'Reorder components and groups (ids in page order)',
      security,
      request: {
        body: jsonBody(
          z.strictObject({
            components: z
              .array(z.string().max(64))
              .max(200)
              .optional()
              .openapi({ example: ['01JDZ3K7Q8W4N5R6T7Y8V9B0C1', '01JDZ3K7Q8W4N5R6T7Y8V9B0C2'] }),
            groups: z
              .array(z.string().max(64))
              .max(100)
              .optional()
              .openapi({ example: ['01JDZ3M2A4B6C8D0E2F4G6H8J0'] }),
          }),
        ),
      },
      responses: { 200: jsonResponse(z.object({ data: z.array(ComponentView) }), 'New order'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const data = await reorderComponents(services, actorOf(c, p), c.req.valid('json'));
      return c.json({ data }, 200);
    },
  );

  // Groups ------------------------------------------------------------------------------------------
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/component-groups',
      tags: ['Components'],
      summary: 'List component groups in page order',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(GroupView) }), 'Groups'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json({ data: await store.groups.list(p.tenantId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/component-groups',
      tags: ['Components'],
      summary: 'Create a component group',
      security,
      request: { body: jsonBody(GroupInput) },
      responses: { 201: jsonResponse(GroupView, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const group = await createGroup(services, actorOf(c, p), c.req.valid('json'));
      return c.json(group, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/component-groups/{id}',
      tags: ['Components'],
      summary: 'Update a component group',
      security,
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(GroupInput.partial().strict()) },
      responses: { 200: jsonResponse(GroupView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const updated = await updateGroup(
        services,
        actorOf(c, p),
        c.req.valid('param').id,
        c.req.valid('json'),
        ifMatch(c.req.valid('header')['if-match']),
      );
      c.header('ETag', etag(updated.version));
      return c.json(updated, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/component-groups/{id}',
      tags: ['Components'],
      summary: 'Delete an empty component group',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      await deleteGroup(services, actorOf(c, p), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
