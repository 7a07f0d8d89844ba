import type { DomainProvisioner } from '@upstate/core';

export type { DnsResolver, DomainProvisioner } from '@upstate/core';
export { challengeRecordName } from '@upstate/services/domains/add';

export const noopDomainProvisioner: DomainProvisioner = {
  async onVerified() {},
  async onRemoved() {},
};
