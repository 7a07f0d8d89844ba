/** node:dns/promises-compatible TXT lookup, injectable so tests need no real DNS. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
}

/** What happens on the CDN when a domain is verified or removed (CloudFront distribution tenants on AWS). */
export interface DomainProvisioner {
  onVerified(tenantId: string, domain: string): Promise<void>;
  onRemoved(tenantId: string, domain: string): Promise<void>;
}

export const noopDomainProvisioner: DomainProvisioner = {
  async onVerified() {},
  async onRemoved() {},
};

export const challengeRecordName = (domain: string) => `_upstate-challenge.${domain}`;
