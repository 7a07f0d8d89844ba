import { createHash } from 'node:crypto';
import {
  type CloudFrontClient,
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
  UpdateDistributionTenantCommand,
  VerifyDnsConfigurationCommand,
} from '@aws-sdk/client-cloudfront';
import { AppError } from '@upstate/core';

/** Structurally the API's `DomainProvisioner`; declared here so this package never imports an app. */
export interface CloudFrontDomainProvisioner {
  onVerified(tenantId: string, domain: string): Promise<void>;
  onRemoved(tenantId: string, domain: string): Promise<void>;
}

/** The multi-tenant distribution's origin path is `/sites/{{tenantId}}`: this parameter routes a domain to its tenant. */
export const tenantParameterName = 'tenantId';

/**
 * Every distribution tenant is tagged with its stage at creation. IAM conditions on this tag, so a
 * stage's roles can only ever touch its own distribution tenants, even with two stages in one account.
 */
export const stageTagKey = 'upstate-stage';

/**
 * Distribution tenant names are unique per account and limited to letters, digits, `-` and `.`:
 * a readable prefix of the domain plus a hash, so two domains can never share a name.
 */
export function distributionTenantName(domain: string): string {
  const hash = createHash('sha256').update(domain).digest('hex').slice(0, 12);
  const readable = domain.replace(/[^a-z0-9]+/gi, '-').slice(0, 100);
  return `${readable}-${hash}`;
}

const errorName = (error: unknown) => (error as { name?: string }).name;

/**
 * Serves a verified custom domain through CloudFront: one distribution tenant per domain on the
 * multi-tenant distribution and connection group, with a CloudFront-managed (HTTP-validated) certificate.
 * @example createApp({ ..., domainProvisioner: createCloudFrontDomainProvisioner({ client, distributionId, connectionGroupId }) })
 */
export function createCloudFrontDomainProvisioner(options: {
  client: CloudFrontClient;
  distributionId: string;
  connectionGroupId: string;
  /** Pages at `{slug}.{platformDomain}` are covered by the distribution's wildcard certificate. */
  platformDomain?: string;
  /** The deployed stage: tagged on every distribution tenant created (`stageTagKey`). */
  stage?: string;
  log?: (message: string, detail: Record<string, unknown>) => void;
}): CloudFrontDomainProvisioner {
  const { client } = options;
  const log =
    options.log ?? ((message, detail) => console.error(JSON.stringify({ level: 'warn', message, ...detail })));

  const findByDomain = async (domain: string) => {
    try {
      const found = await client.send(new GetDistributionTenantByDomainCommand({ Domain: domain }));
      return found.DistributionTenant?.Id && found.ETag
        ? { tenant: found.DistributionTenant, etag: found.ETag, id: found.DistributionTenant.Id }
        : undefined;
    } catch (error) {
      if (errorName(error) === 'EntityNotFound') return undefined;
      throw error;
    }
  };

  const ownerOf = (tenant: { Parameters?: { Name?: string; Value?: string }[] }) =>
    tenant.Parameters?.find((p) => p.Name === tenantParameterName)?.Value;

  const platformSuffix = options.platformDomain ? `.${options.platformDomain.toLowerCase()}` : undefined;
  const create = (tenantId: string, domain: string) =>
    client.send(
      new CreateDistributionTenantCommand({
        DistributionId: options.distributionId,
        ConnectionGroupId: options.connectionGroupId,
        Name: distributionTenantName(domain),
        Domains: [{ Domain: domain }],
        Parameters: [{ Name: tenantParameterName, Value: tenantId }],
        ...(options.stage ? { Tags: { Items: [{ Key: stageTagKey, Value: options.stage }] } } : {}),
        // CloudFront answers the HTTP validation itself once the domain's CNAME points at the connection group.
        ...(platformSuffix && domain.endsWith(platformSuffix)
          ? {}
          : {
              ManagedCertificateRequest: {
                ValidationTokenHost: 'cloudfront',
                PrimaryDomainName: domain,
                CertificateTransparencyLoggingPreference: 'enabled',
              },
            }),
        Enabled: true,
      }),
    );

  return {
    async onVerified(tenantId, domain) {
      try {
        await create(tenantId, domain);
      } catch (error) {
        if (errorName(error) !== 'EntityAlreadyExists' && errorName(error) !== 'CNAMEAlreadyExists') throw error;
        // A retried verification, or a leftover of an earlier removal whose deletion was deferred.
        const existing = await findByDomain(domain);
        if (!existing) {
          // The name is an alias of a CloudFront distribution outside ours (e.g. the previous status
          // page provider): the tenant must remove it there first. Their input, not our failure.
          throw new AppError(
            'conflict',
            `${domain} is still attached to another CloudFront distribution; remove it there, then verify again`,
            { field: 'domain', cause: error },
          );
        }
        if (ownerOf(existing.tenant) === tenantId) {
          if (existing.tenant.Enabled === false) {
            await client.send(
              new UpdateDistributionTenantCommand({ Id: existing.id, IfMatch: existing.etag, Enabled: true }),
            );
          }
        } else if (existing.tenant.Enabled === false) {
          // Removed by its previous owner: finish that deletion, then attach the domain here.
          try {
            await client.send(new DeleteDistributionTenantCommand({ Id: existing.id, IfMatch: existing.etag }));
          } catch (deleteError) {
            if (errorName(deleteError) !== 'ResourceNotDisabled') throw deleteError;
            throw new AppError('conflict', 'This domain is being released by another page; retry in a few minutes', {
              field: 'domain',
            });
          }
          await create(tenantId, domain);
        } else {
          // Never hand a domain that still routes to one page over to another.
          throw new AppError('conflict', 'This domain is attached to another page', { field: 'domain' });
        }
      }
      const dns = await client.send(
        new VerifyDnsConfigurationCommand({ Domain: domain, Identifier: distributionTenantName(domain) }),
      );
      const status = dns.DnsConfigurationList?.find((d) => d.Domain === domain)?.Status;
      // Ownership is already proven by the TXT record; the CNAME may follow later, and the
      // managed certificate is issued once it does.
      if (status !== 'valid-configuration')
        log('custom domain CNAME not yet pointing at CloudFront', { domain, status });
    },

    async onRemoved(tenantId, domain) {
      const existing = await findByDomain(domain);
      if (!existing) return;
      if (ownerOf(existing.tenant) !== tenantId) {
        log('refusing to remove a distribution tenant owned by another tenant', { domain, tenantId });
        return;
      }
      // CloudFront deletes only disabled tenants: disabling stops routing at once, deletion follows.
      let etag = existing.etag;
      if (existing.tenant.Enabled !== false) {
        const updated = await client.send(
          new UpdateDistributionTenantCommand({ Id: existing.id, IfMatch: etag, Enabled: false }),
        );
        etag = updated.ETag ?? etag;
      }
      try {
        await client.send(new DeleteDistributionTenantCommand({ Id: existing.id, IfMatch: etag }));
      } catch (error) {
        // Still deploying the disable: the tenant no longer serves; a later add or remove cleans it up.
        if (errorName(error) !== 'ResourceNotDisabled') throw error;
        log('distribution tenant disabled, deletion deferred', { domain, id: existing.id });
      }
    },
  };
}
