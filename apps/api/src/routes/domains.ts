import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, CustomDomain, DomainName, randomToken } from '@upstate/core';
import type { Env } from '../context.ts';
import { challengeRecordName } from '../domains.ts';
import { provisionOrQueue } from '../provisioning.ts';
import { errorResponses, jsonBody, jsonResponse, principal, type RouteDeps, security } from './shared.ts';

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
  const { store, now } = deps;
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
      security,
      request: { body: jsonBody(z.strictObject({ domain: DomainName })) },
      responses: { 201: jsonResponse(DomainView, 'Pending verification'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const { domain } = c.req.valid('json');
      if (domain.endsWith(`.${deps.config.platformDomain.split(':')[0]}`)) {
        throw new AppError('validation_failed', 'Use your own domain, not a platform subdomain', { field: 'domain' });
      }
      const created = await store.domains.add({
        tenantId: p.tenantId,
        domain,
        status: 'pending',
        txtRecordName: challengeRecordName(domain),
        txtRecordValue: `upstate-verify=${randomToken(16)}`,
        createdAt: now().toISOString(),
        verifiedAt: null,
        lastCheckedAt: null,
      });
      await deps.audit(p, 'domain.added', { type: 'domain', id: domain });
      return c.json(view(created), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/domains/{domain}/verify',
      tags: ['Custom domains'],
      summary: 'Check the TXT record; a verified domain starts serving the page',
      security,
      request: { params: DomainParam },
      responses: { 200: jsonResponse(DomainView, 'Checked; see status'), ...errorResponses },
    }),
    async (c) => {
      const p = principal(c, 'admin');
      const domain = c.req.valid('param').domain.toLowerCase();
      const current = await store.domains.get(p.tenantId, domain);
      if (!current) throw new AppError('not_found', 'Domain not found');
      let records: string[][] = [];
      try {
        records = await deps.dnsResolver.resolveTxt(current.txtRecordName);
      } catch {
        records = [];
      }
      const found = records.some((chunks) => chunks.join('') === current.txtRecordValue);
      const newlyVerified = found && current.status !== 'verified';
      // The CDN is provisioned before the domain is marked verified: if provisioning fails the
      // domain stays pending, so the next verify call retries it instead of leaving a verified
      // domain that nothing serves.
      // A failure is also queued for the provisioning reconciler, which retries it until the CDN accepts it.
      if (newlyVerified) await provisionOrQueue(deps, p.tenantId, domain);
      const updated = await store.domains.setStatus(
        p.tenantId,
        domain,
        found ? 'verified' : current.status === 'verified' ? 'verified' : 'pending',
      );
      if (newlyVerified) {
        await deps.audit(p, 'domain.verified', { type: 'domain', id: domain });
        await deps.pageChanged(p.tenantId);
      }
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
      const domain = c.req.valid('param').domain.toLowerCase();
      await store.domains.remove(p.tenantId, domain);
      await deps.domainProvisioner.onRemoved(p.tenantId, domain);
      await deps.audit(p, 'domain.removed', { type: 'domain', id: domain });
      await deps.pageChanged(p.tenantId);
      return c.body(null, 204);
    },
  );
}
