import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, ImportJob } from '@upstate/core';
import { startImport, statuspageRoot } from '@upstate/services/imports/start';
import type { Env } from '../context.ts';
import { errorResponses, IdParam, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

const ImportJobView = ImportJob;

const StartImportInput = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({
      example: 'https://www.githubstatus.com',
      description: 'Any public https URL of the Statuspage page; its origin is what gets read.',
    }),
    managementApiKey: z.string().min(1).max(200).optional().openapi({
      example: 'a1b2c3d4-5e6f-7a8b-9c0d-e1f2a3b4c5d6',
      description:
        'A Statuspage management API key, to bring the subscribers too. Not available yet: refused with a 400 until subscriber import exists. Never stored.',
    }),
  })
  .openapi('StartImport');

export function importRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store } = deps;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/imports',
      tags: ['Imports'],
      summary: 'Import a Statuspage page: components, groups, incidents with full timelines, maintenances',
      description:
        'Starts an asynchronous job and answers 202 with it; poll `GET /v1/imports/{id}` for progress. Re-running updates what an earlier import brought instead of duplicating it. Imported entries notify no subscriber. Needs the `admin` scope.',
      security,
      request: { body: jsonBody(StartImportInput) },
      responses: { 202: jsonResponse(ImportJobView, 'Queued; the job runs in the background'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const input = c.req.valid('json');
      if (input.managementApiKey !== undefined && !deps.imports.subscribers) {
        throw new AppError('validation_failed', 'Importing subscribers is not available yet', {
          field: 'managementApiKey',
        });
      }
      const root = statuspageRoot(input.url);
      await deps.imports.vet(root);
      const services = { store, publishTrigger: deps.publishTrigger, now: deps.now, log: deps.log };
      const job = await startImport(services, { tenantId: p.tenantId, author: p.author, url: root });
      await deps.imports.launch({
        tenantId: p.tenantId,
        jobId: job.id,
        root,
        ...(input.managementApiKey === undefined ? {} : { managementApiKey: input.managementApiKey }),
      });
      return c.json(job, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/imports',
      tags: ['Imports'],
      summary: 'List recent imports, newest first',
      security,
      responses: {
        200: jsonResponse(z.object({ data: z.array(ImportJobView) }), 'The 20 most recent'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json({ data: await store.imports.list(p.tenantId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/imports/{id}',
      tags: ['Imports'],
      summary: 'An import job with its progress, counts and, if it failed, the error',
      security,
      request: { params: IdParam },
      responses: { 200: jsonResponse(ImportJobView, 'The job'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json(await store.imports.require(p.tenantId, c.req.valid('param').id), 200);
    },
  );
}
