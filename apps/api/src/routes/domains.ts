import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CustomDomain, DomainName } from '@upstate/core';
import { addDomain } from '@upstate/services/domains/add';
import { removeDomain } from '@upstate/services/domains/remove';
import { verifyDomain } from '@upstate/services/domains/verify';
import type { Env } from '../context.ts';
import { queueingProvisioner } from '../provisioning.ts';
import { actorOf, errorResponses, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

const DomainView = CustomDomain.extend({
  instructions: z.string(),
});
const DomainParam = z.object({
  domain: z
    .string()
    .max(253)
    .openapi({ param: { name: 'domain', in: 'path' }, example: 'status.example.com' }),
});

export function domainRoutes(app: OpenAPIHono<Env>, deps: RouteDeps) {
  const { store } = deps;
  const services = {
    store,
    publishTrigger: deps.publishTrigger,
    now: deps.now,
    log: deps.log,
    dnsResolver: deps.dnsResolver,
    // A failed CDN provisioning at verify is queued for the provisioning reconciler (and still fails the request).
    domainProvisioner: queueingProvisioner(deps),
  };
  const view = (d: CustomDomain) => ({
    ...d,
    instructions:
      d.status === 'verified'
        ? `Verified. Point a CNAME for ${d.domain} at the platform's CDN endpoint.`
        : `Create a TXT record named ${d.txtRecordName} with the value ${d.txtRecordValue}, then verify.`,
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/domains',
      tags: ['Custom domains'],
      summary: 'List custom domains and their verification state',
      security,
      responses: { 200: jsonResponse(z.object({ data: z.array(DomainView) }), 'Domains'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'read');
      return c.json({ data: (await store.domains.list(p.tenantId)).map(view) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/domains',
      tags: ['Custom domains'],
      summary: 'Add a custom domain; the response gives the DNS TXT record that proves ownership',
      description:
        'Pending claims are per account: another account’s pending claim never blocks yours. The first account to prove the TXT record gets the domain and every other pending claim is dropped; a verified domain answers 409.',
      security,
      request: { body: jsonBody(z.strictObject({ domain: DomainName })) },
      responses: { 201: jsonResponse(DomainView, 'Pending verification'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const created = await addDomain(services, {
        actor: actorOf(c, p),
        domain: c.req.valid('json').domain,
        platformHost: deps.config.platformDomain,
      });
      return c.json(view(created), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/domains/{domain}/verify',
      tags: ['Custom domains'],
      summary: 'Check the TXT record; a verified domain starts serving the page',
      description: 'Answers 409 (and drops your claim) when another account proved the domain first.',
      security,
      request: { params: DomainParam },
      responses: { 200: jsonResponse(DomainView, 'Checked; see status'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const updated = await verifyDomain(services, { actor: actorOf(c, p), domain: c.req.valid('param').domain });
      return c.json(view(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/domains/{domain}',
      tags: ['Custom domains'],
      summary: 'Remove a custom domain (it stops routing at once)',
      security,
      request: { params: DomainParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      await removeDomain(services, { actor: actorOf(c, p), domain: c.req.valid('param').domain });
      return c.body(null, 204);
    },
  );
}
