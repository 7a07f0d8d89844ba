import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CheckResult, HeartbeatMonitorConfig, HttpMonitorConfig, Monitor, Name, randomToken } from '@upstate/core';
import { createMonitor } from '@upstate/services/monitors/create';
import { deleteMonitor } from '@upstate/services/monitors/delete';
import { recordHeartbeat } from '@upstate/services/monitors/record-heartbeat';
import { updateMonitor } from '@upstate/services/monitors/update';
import { sha256 } from '../auth.ts';
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
  const { store, services } = deps;

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
      const minted = input.config.kind === 'heartbeat' ? randomToken(24) : null;
      const { monitor, created } = await createMonitor(
        services,
        actorOf(c, p),
        input,
        minted ? sha256(minted) : undefined,
        deps.config.monitorsPerTenant,
      );
      // A retry after a failure finds the monitor made with the first token, which was never stored in the clear.
      const token = created ? minted : null;
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
      responses: { 200: { ...jsonResponse(MonitorView, 'The monitor'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      const monitor = await store.monitors.require(p.tenantId, c.req.valid('param').id);
      c.header('ETag', etag(monitor.version));
      return c.json(monitor, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/monitors/{id}',
      tags: ['Monitors'],
      summary: 'Update a monitor (pause, thresholds, target)',
      description:
        'Only the fields sent change; the run state the checker records is never overwritten. With `If-Match` a stale version is a 409.',
      security,
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: jsonBody(MonitorInput.omit({ componentId: true }).partial()),
      },
      responses: { 200: { ...jsonResponse(MonitorView, 'Updated'), headers: etagHeader }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'components');
      const next = await updateMonitor(
        services,
        actorOf(c, p),
        c.req.valid('param').id,
        c.req.valid('json'),
        ifMatch(c.req.valid('header')['if-match']),
      );
      c.header('ETag', etag(next.version));
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
      await deleteMonitor(services, actorOf(c, p), c.req.valid('param').id);
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
  const handlePing = (token: string) => recordHeartbeat(services, sha256(token));
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
