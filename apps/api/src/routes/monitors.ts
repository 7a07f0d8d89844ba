import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AppError,
  CheckResult,
  HeartbeatMonitorConfig,
  HttpMonitorConfig,
  Monitor,
  Name,
  newId,
  randomToken,
} from '@upstate/core';
import { sha256 } from '../auth.ts';
import type { Env } from '../context.ts';
import { errorResponses, IdParam, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

const MonitorView = Monitor;
const MonitorInput = z
  .strictObject({
    componentId: z.string().min(1).max(64),
    name: Name,
    config: z.discriminatedUnion('kind', [HttpMonitorConfig, HeartbeatMonitorConfig]),
    intervalSeconds: z.number().int().min(60).max(86_400).optional(),
    failureThreshold: z.number().int().min(1).max(20).optional(),
    recoveryThreshold: z.number().int().min(1).max(20).optional(),
    paused: z.boolean().optional(),
  })
  .openapi('MonitorInput');

export function monitorRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store, now } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/monitors',
      tags: ['Monitors'],
      summary: 'List monitors',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(MonitorView) }), 'Monitors'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json({ data: await store.monitors.list(p.tenantId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/monitors',
      tags: ['Monitors'],
      summary: 'Create an HTTP or heartbeat monitor for a component',
      description:
        'Heartbeat monitors return their secret ping URL once, in `heartbeatUrl`. The job may instead POST to `/v1/heartbeats` with the token (the last path segment) in the `X-Heartbeat-Token` header, which keeps it out of URLs and logs.',
      security,
      request: { body: jsonBody(MonitorInput) },
      responses: {
        201: jsonResponse(MonitorView.extend({ heartbeatUrl: z.string().nullable() }), 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const input = c.req.valid('json');
      if (!(await store.components.get(p.tenantId, input.componentId))) {
        throw new AppError('validation_failed', 'Unknown component', { field: 'componentId' });
      }
      const cap = deps.config.monitorsPerTenant;
      if ((await store.monitors.list(p.tenantId)).length >= cap) {
        throw new AppError('quota_exceeded', `A page has at most ${cap} monitors; delete one to add another`, {
          field: 'componentId',
        });
      }
      const at = now().toISOString();
      const monitor: Monitor = {
        id: newId(),
        tenantId: p.tenantId,
        componentId: input.componentId,
        name: input.name,
        config: input.config,
        intervalSeconds: input.intervalSeconds ?? 60,
        failureThreshold: input.failureThreshold ?? 3,
        recoveryThreshold: input.recoveryThreshold ?? 2,
        paused: input.paused ?? false,
        nextRunAt: at,
        lastResult: null,
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        lastHeartbeatAt: input.config.kind === 'heartbeat' ? at : null,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const token = input.config.kind === 'heartbeat' ? randomToken(24) : null;
      await store.monitors.create(monitor, token ? sha256(token) : undefined);
      await deps.audit(p, 'monitor.created', { type: 'monitor', id: monitor.id }, { kind: monitor.config.kind });
      const base = new URL(c.req.url).origin;
      return c.json({ ...monitor, heartbeatUrl: token ? `${base}/v1/heartbeats/${token}` : null }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/monitors/{id}',
      tags: ['Monitors'],
      summary: 'Get a monitor',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(MonitorView, 'The monitor'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.monitors.require(p.tenantId, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/monitors/{id}',
      tags: ['Monitors'],
      summary: 'Update a monitor (pause, thresholds, target)',
      security,
      request: { params: IdParam, body: jsonBody(MonitorInput.omit({ componentId: true }).partial()) },
      responses: { 200: jsonResponse(MonitorView, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const current = await store.monitors.require(p.tenantId, c.req.valid('param').id);
      const input = c.req.valid('json');
      if (input.config && input.config.kind !== current.config.kind) {
        throw new AppError('validation_failed', 'A monitor cannot change its kind', { field: 'config.kind' });
      }
      const next: Monitor = {
        ...current,
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
        updatedAt: now().toISOString(),
        version: current.version + 1,
      };
      await store.monitors.save(next);
      await deps.audit(p, 'monitor.updated', { type: 'monitor', id: current.id }, { fields: Object.keys(input) });
      return c.json(next, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/monitors/{id}',
      tags: ['Monitors'],
      summary: 'Delete a monitor',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const { id } = c.req.valid('param');
      await store.monitors.require(p.tenantId, id);
      await store.monitors.delete(p.tenantId, id);
      await deps.audit(p, 'monitor.deleted', { type: 'monitor', id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/monitors/{id}/checks',
      tags: ['Monitors'],
      summary: 'Recent check results, newest first',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(CheckResult) }), 'Results'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const monitor = await store.monitors.require(p.tenantId, c.req.valid('param').id);
      return c.json({ data: await store.checks.list(p.tenantId, monitor.id, { limit: 50 }) }, 200);
    },
  );

  const ping = createRoute({
    method: 'post',
    path: '/v1/heartbeats/{token}',
    tags: ['Monitors'],
    summary: 'Heartbeat ping from the tenant’s job (the secret token is the credential)',
    request: {
      params: z.object({
        token: z
          .string()
          .regex(/^[0-9a-f]{48}$/)
          .openapi({ param: { name: 'token', in: 'path' } }),
      }),
    },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), at: z.string() }), 'Recorded'), ...errorResponses },
  });
  const handlePing = async (token: string) => {
    const monitor = await store.monitors.getByHeartbeatHash(sha256(token));
    if (!monitor) throw new AppError('not_found', 'Unknown heartbeat');
    const at = now().toISOString();
    await store.monitors.recordHeartbeat(monitor.tenantId, monitor.id, at);
    return at;
  };
  app.openapi(ping, async (c) => c.json({ ok: true as const, at: await handlePing(c.req.valid('param').token) }, 200));
  app.openapi({ ...ping, method: 'get' }, async (c) =>
    c.json({ ok: true as const, at: await handlePing(c.req.valid('param').token) }, 200),
  );
  // The token in a header keeps it out of every URL: access logs, proxies, shell history.
  const headerPing = createRoute({
    method: 'post',
    path: '/v1/heartbeats',
    tags: ['Monitors'],
    summary: 'Heartbeat ping with the secret token in the `X-Heartbeat-Token` header',
    request: {
      headers: z.object({
        'x-heartbeat-token': z
          .string()
          .regex(/^[0-9a-f]{48}$/)
          .openapi({ param: { name: 'x-heartbeat-token', in: 'header' } }),
      }),
    },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), at: z.string() }), 'Recorded'), ...errorResponses },
  });
  app.openapi(headerPing, async (c) =>
    c.json({ ok: true as const, at: await handlePing(c.req.valid('header')['x-heartbeat-token']) }, 200),
  );
}
