import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, Component, ComponentGroup, ComponentStatus, Description, Name, newId, utcDay } from '@upstate/core';
import type { Env } from '../context.ts';
import { errorResponses, IdParam, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

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
  const { store, now } = deps;

  async function assertGroup(tenantId: string, groupId: string | null | undefined) {
    if (groupId && !(await store.groups.get(tenantId, groupId))) {
      throw new AppError('validation_failed', 'Unknown component group', { field: 'groupId' });
    }
  }

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
      const input = c.req.valid('json');
      await assertGroup(p.tenantId, input.groupId);
      const existing = await store.components.list(p.tenantId);
      if (existing.length >= 200)
        throw new AppError('validation_failed', 'A page holds at most 200 components', { field: 'name' });
      const at = now().toISOString();
      const component = await store.components.create({
        id: newId(),
        tenantId: p.tenantId,
        groupId: input.groupId ?? null,
        name: input.name,
        description: input.description ?? null,
        position: input.position ?? existing.length,
        status: input.status ?? 'operational',
        // Only a status given by hand holds against monitors; the default is the monitors' to change.
        statusSource: input.status ? 'manual' : 'monitor',
        onlyShowIfDegraded: input.onlyShowIfDegraded ?? false,
        showUptime: input.showUptime ?? true,
        startDate: input.startDate ?? utcDay(now()),
        createdAt: at,
        updatedAt: at,
      });
      await deps.audit(p, 'component.created', { type: 'component', id: component.id }, { name: component.name });
      await deps.pageChanged(p.tenantId);
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
      responses: { 200: jsonResponse(ComponentView, 'The component'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.components.require(p.tenantId, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/components/{id}',
      tags: ['Components'],
      summary: 'Update a component or set its status',
      description: 'A status set here holds until `clearManualStatus` is sent, even when monitors disagree.',
      security,
      request: { params: IdParam, body: jsonBody(ComponentPatch) },
      responses: { 200: jsonResponse(ComponentView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const current = await store.components.require(p.tenantId, id);
      await assertGroup(p.tenantId, input.groupId);
      const { version, clearManualStatus, ...fields } = input;
      const next = {
        ...current,
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
        ...(input.status ? { statusSource: 'manual' as const } : {}),
        ...(clearManualStatus ? { statusSource: 'monitor' as const } : {}),
      };
      const updated = await store.components.put(next, version ?? current.version);
      await deps.audit(
        p,
        input.status && input.status !== current.status ? 'component.status_changed' : 'component.updated',
        {
          type: 'component',
          id,
        },
        input.status ? { oldStatus: current.status, newStatus: input.status } : { fields: Object.keys(fields) },
      );
      await deps.pageChanged(p.tenantId);
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
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const { id } = c.req.valid('param');
      await store.components.require(p.tenantId, id);
      await store.components.delete(p.tenantId, id);
      await deps.audit(p, 'component.deleted', { type: 'component', id });
      await deps.pageChanged(p.tenantId);
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
      const input = c.req.valid('json');
      const components = await store.components.list(p.tenantId);
      const groups = await store.groups.list(p.tenantId);
      const check = (ids: string[] | undefined, known: { id: string }[], field: string) => {
        if (!ids) return;
        const set = new Set(known.map((k) => k.id));
        ids.forEach((id, i) => {
          if (!set.has(id)) throw new AppError('validation_failed', `Unknown id ${id}`, { field: `${field}.${i}` });
        });
        if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'Duplicate ids', { field });
      };
      check(input.components, components, 'components');
      check(input.groups, groups, 'groups');
      // Validated in full before any write, so a bad request changes nothing.
      for (const [position, id] of (input.components ?? []).entries()) {
        const current = components.find((x) => x.id === id);
        if (current && current.position !== position)
          await store.components.put({ ...current, position }, current.version);
      }
      for (const [position, id] of (input.groups ?? []).entries()) {
        const current = groups.find((x) => x.id === id);
        if (current && current.position !== position) await store.groups.put({ ...current, position }, current.version);
      }
      await deps.audit(p, 'component.reordered', { type: 'tenant', id: p.tenantId });
      await deps.pageChanged(p.tenantId);
      return c.json({ data: await store.components.list(p.tenantId) }, 200);
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
      const input = c.req.valid('json');
      const at = now().toISOString();
      const count = (await store.groups.list(p.tenantId)).length;
      const group = await store.groups.create({
        id: newId(),
        tenantId: p.tenantId,
        name: input.name,
        description: input.description ?? null,
        position: input.position ?? count,
        createdAt: at,
        updatedAt: at,
      });
      await deps.audit(p, 'component_group.created', { type: 'component_group', id: group.id }, { name: group.name });
      await deps.pageChanged(p.tenantId);
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
      request: { params: IdParam, body: jsonBody(GroupInput.partial().strict()) },
      responses: { 200: jsonResponse(GroupView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const { id } = c.req.valid('param');
      const current = await store.groups.get(p.tenantId, id);
      if (!current) throw new AppError('not_found', 'Component group not found');
      const input = c.req.valid('json');
      const updated = await store.groups.put(
        { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) },
        current.version,
      );
      await deps.audit(p, 'component_group.updated', { type: 'component_group', id });
      await deps.pageChanged(p.tenantId);
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
      const { id } = c.req.valid('param');
      if (!(await store.groups.get(p.tenantId, id))) throw new AppError('not_found', 'Component group not found');
      if ((await store.components.list(p.tenantId)).some((x) => x.groupId === id)) {
        throw new AppError('conflict', 'Move or delete the group’s components first', { field: 'id' });
      }
      await store.groups.delete(p.tenantId, id);
      await deps.audit(p, 'component_group.deleted', { type: 'component_group', id });
      await deps.pageChanged(p.tenantId);
      return c.body(null, 204);
    },
  );
}
