import { AppError } from '@upstate/core';
import { describe, expect, it } from 'vitest';
import type { DomainProvisioner } from './domains.ts';
import { retryProvisioning } from './provisioning.ts';
import { createTestApp } from './testing.ts';

/** A CDN that refuses the first `failures` provisioning calls (CloudFront itself is covered in packages/aws). */
function flakyCdn(failures: number) {
  const calls: string[] = [];
  const provisioner: DomainProvisioner = {
    async onVerified(tenantId, domain) {
      calls.push(`${tenantId} ${domain}`);
      if (calls.length <= failures) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    },
    async onRemoved() {},
  };
  return { provisioner, calls };
}

describe('provisioning at sign-up, retried by the reconciler', () => {
  it('queues a failed sign-up provisioning, retries it until it succeeds, then forgets it', async () => {
    // Prepare: the CDN refuses sign-up's attempt and the reconciler's first retry.
    const cdn = flakyCdn(2);
    const t = await createTestApp({ domainProvisioner: cdn.provisioner });
    const tenant = await t.signup('flaky');
    const platformDomain = 'localhost:8080';
    const pageDomain = `flaky.${platformDomain}`;
    const [queued] = await t.store.provisioning.listForTenant(tenant.tenantId);
    expect(queued).toMatchObject({ tenantId: tenant.tenantId, domain: pageDomain, attempts: 1 });
    expect(queued?.lastError).toContain('Rate exceeded');

    // Act + Assess: the first run fails again and says so; the second provisions and clears the entry.
    const deps = { store: t.store, domainProvisioner: cdn.provisioner, platformDomain };
    expect(await retryProvisioning(deps)).toEqual({ pending: 1, provisioned: 0, dropped: 0, failed: 1 });
    expect((await t.store.provisioning.listForTenant(tenant.tenantId))[0]?.attempts).toBe(2);
    expect(await retryProvisioning(deps)).toEqual({ pending: 1, provisioned: 1, dropped: 0, failed: 0 });
    expect(await t.store.provisioning.listPending()).toEqual([]);
    expect(cdn.calls).toEqual(Array(3).fill(`${tenant.tenantId} ${pageDomain}`));
  });

  it('queues a failed provisioning at verify, and drops it once the tenant removed the domain', async () => {
    // Prepare: sign-up provisions fine; the CDN then refuses the custom domain.
    const calls: string[] = [];
    const t = await createTestApp({
      domainProvisioner: {
        async onVerified(_tenantId, domain) {
          calls.push(domain);
          if (domain === 'status.verifier.example') throw new Error('ServiceUnavailable');
        },
        async onRemoved() {},
      },
    });
    const tenant = await t.signup('verifier');
    const added = (await (
      await t.call(tenant, 'POST', '/v1/domains', { domain: 'status.verifier.example' })
    ).json()) as {
      txtRecordName: string;
      txtRecordValue: string;
    };
    t.txt.set(added.txtRecordName, [[added.txtRecordValue]]);

    // Act: the verify finds the TXT record, but the CDN fails.
    const verify = await t.call(tenant, 'POST', '/v1/domains/status.verifier.example/verify');

    // Assess: not verified, and queued for the reconciler with the reason.
    expect(verify.status).not.toBe(200);
    expect((await t.store.domains.get(tenant.tenantId, 'status.verifier.example'))?.status).toBe('pending');
    const [queued] = await t.store.provisioning.listForTenant(tenant.tenantId);
    expect(queued).toMatchObject({
      domain: 'status.verifier.example',
      attempts: 1,
      lastError: 'Error: ServiceUnavailable',
    });
    // The tenant gives up on the domain: the reconciler drops the entry instead of attaching it.
    expect((await t.call(tenant, 'DELETE', '/v1/domains/status.verifier.example')).status).toBe(204);
    const deps = {
      store: t.store,
      domainProvisioner: { onVerified: async () => {}, onRemoved: async () => {} },
      platformDomain: 'localhost:8080',
    };
    expect(await retryProvisioning(deps)).toEqual({ pending: 1, provisioned: 0, dropped: 1, failed: 0 });
    expect(await t.store.provisioning.listPending()).toEqual([]);
  });

  it('does not queue what only the tenant can fix (the domain is attached to another page)', async () => {
    const t = await createTestApp({
      domainProvisioner: {
        async onVerified() {
          throw new AppError('conflict', 'This domain is attached to another page', { field: 'domain' });
        },
        async onRemoved() {},
      },
    });
    const tenant = await t.signup('taken');
    expect(await t.store.provisioning.listForTenant(tenant.tenantId)).toEqual([]);
  });
});
