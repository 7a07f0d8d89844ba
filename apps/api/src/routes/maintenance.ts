import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AppError,
  applyMaintenanceAutoTransitions,
  assertMaintenanceTransition,
  IncidentImpact,
  IsoDateTime,
  Maintenance,
  MaintenanceStatus,
  MarkdownBody,
  Name,
  newId,
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
const CreateInput = z
  .strictObject({
    ...Fields,
    impact: Fields.impact.optional(),
    componentIds: Fields.componentIds.optional(),
    autoStart: Fields.autoStart.optional(),
    autoComplete: Fields.autoComplete.optional(),
    body: MarkdownBody,
  })
  .openapi('CreateMaintenance');
const PatchInput = z.strictObject(Fields).partial().openapi('MaintenancePatch');

export function maintenanceRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, now } = deps;

  async function validate(p: Principal, m: { scheduledFor: string; scheduledUntil: string; componentIds: string[] }) {
    if (Date.parse(m.scheduledUntil) <= Date.parse(m.scheduledFor)) {
      throw new AppError('validation_failed', 'scheduledUntil must be after scheduledFor', { field: 'scheduledUntil' });
    }
    const known = new Set((await store.components.list(p.tenantId)).map((c) => c.id));
    m.componentIds.forEach((id, i) => {
      if (!known.has(id))
        throw new AppError('validation_failed', `Unknown component ${id}`, { field: `componentIds.${i}` });
    });
  }

  /** Loads a maintenance with automatic start/end applied, persisting the transition if one is due. */
  async function load(p: Principal, id: string): Promise<Maintenance> {
    const stored = await store.maintenances.require(p.tenantId, id);
    const current = applyMaintenanceAutoTransitions(stored, now());
    if (current !== stored) {
      await store.maintenances.save(current);
      await deps.pageChanged(p.tenantId);
    }
    return current;
  }

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
      const input = c.req.valid('json');
      const componentIds = input.componentIds ?? [];
      await validate(p, { ...input, componentIds });
      const at = now().toISOString();
      const maintenance: Maintenance = {
        id: newId(),
        tenantId: p.tenantId,
        name: input.name,
        status: 'scheduled',
        impact: input.impact ?? 'minor',
        componentIds,
        scheduledFor: input.scheduledFor,
        scheduledUntil: input.scheduledUntil,
        autoStart: input.autoStart ?? true,
        autoComplete: input.autoComplete ?? true,
        createdAt: at,
        updatedAt: at,
        updates: [
          { id: newId(), status: 'scheduled', body: input.body, displayAt: at, createdAt: at, author: p.author },
        ],
        version: 1,
      };
      const saved = applyMaintenanceAutoTransitions(maintenance, now());
      await store.maintenances.create(saved);
      await deps.audit(p, 'maintenance.created', { type: 'maintenance', id: saved.id });
      await deps.pageChanged(p.tenantId);
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
      responses: { 200: jsonResponse(MaintenanceView, 'The maintenance'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await load(p, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/maintenances/{id}',
      tags: ['Maintenance'],
      summary: 'Reschedule or edit a maintenance',
      security,
      request: { params: IdParam, body: jsonBody(PatchInput) },
      responses: { 200: jsonResponse(MaintenanceView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await load(p, c.req.valid('param').id);
      if (current.status === 'completed')
        throw new AppError('invalid_transition', 'A completed maintenance cannot change', { field: 'status' });
      const input = c.req.valid('json');
      const next: Maintenance = {
        ...current,
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
        updatedAt: now().toISOString(),
        version: current.version + 1,
      };
      await validate(p, next);
      const saved = applyMaintenanceAutoTransitions(next, now());
      await store.maintenances.save(saved.version === next.version ? saved : { ...saved, version: next.version });
      await deps.audit(
        p,
        'maintenance.updated',
        { type: 'maintenance', id: current.id },
        { fields: Object.keys(input) },
      );
      await deps.pageChanged(p.tenantId);
      return c.json(saved, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/maintenances/{id}/updates',
      tags: ['Maintenance'],
      summary: 'Post a maintenance update (scheduled → in_progress → verifying → completed)',
      security,
      request: { params: IdParam, body: jsonBody(z.strictObject({ status: MaintenanceStatus, body: MarkdownBody })) },
      responses: { 201: jsonResponse(MaintenanceView, 'Appended'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await load(p, c.req.valid('param').id);
      const input = c.req.valid('json');
      assertMaintenanceTransition(current.status, input.status);
      const at = now().toISOString();
      const next: Maintenance = {
        ...current,
        status: input.status,
        updatedAt: at,
        updates: [
          ...current.updates,
          { id: newId(), status: input.status, body: input.body, displayAt: at, createdAt: at, author: p.author },
        ],
        version: current.version + 1,
      };
      await store.maintenances.save(next);
      await deps.audit(
        p,
        'maintenance.updated',
        { type: 'maintenance', id: current.id },
        { from: current.status, to: input.status },
      );
      await deps.pageChanged(p.tenantId);
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
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'incidents');
      const current = await store.maintenances.require(p.tenantId, c.req.valid('param').id);
      await store.maintenances.delete(p.tenantId, current.id, current.version);
      await deps.audit(p, 'maintenance.deleted', { type: 'maintenance', id: current.id });
      await deps.pageChanged(p.tenantId);
      return c.body(null, 204);
    },
  );
}
