import type { DomainProvisioner } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { describe, expect, it } from 'vitest';
import { addDomain } from './add.ts';
import { removeDomain } from './remove.ts';
import { verifyDomain } from './verify.ts';

const author = (id: string) => ({ kind: 'api_key' as const, id, label: id });

async function setup() {
  const { store } = await createTestStore();
  const txt = new Map<string, string[][]>();
  const provisioned: string[] = [];
  const domainProvisioner: DomainProvisioner = {
    async onVerified(tenantId, domain) {
      provisioned.push(`+${tenantId} ${domain}`);
    },
    async onRemoved(tenantId, domain) {
      provisioned.push(`-${tenantId} ${domain}`);
    },
  };
  const deps = {
    store,
    publishTrigger: { requestPublish: async () => {} },
    now: () => new Date(),
    log: () => {},
    dnsResolver: {
      async resolveTxt(name: string) {
        const records = txt.get(name);
        if (!records) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
        return records;
      },
    },
    domainProvisioner,
  };
  return { store, txt, provisioned, deps };
}

describe('verifyDomain', () => {
  it('lets exactly one of two tenants that both prove the record win, and drops the loser’s claim and alias', async () => {
    // Prepare: two claims, and a TXT record set holding both tokens (both can "prove" it)
    const { store, txt, provisioned, deps } = await setup();
    const domain = 'status.contested.com';
    const a = await addDomain(deps, {
      actor: { tenantId: 'ta', author: author('ka') },
      domain,
      platformHost: 'p.test',
    });
    const b = await addDomain(deps, {
      actor: { tenantId: 'tb', author: author('kb') },
      domain,
      platformHost: 'p.test',
    });
    txt.set(a.txtRecordName, [[a.txtRecordValue], [b.txtRecordValue]]);
    // Act: both verify at once
    const results = await Promise.allSettled([
      verifyDomain(deps, { actor: { tenantId: 'ta', author: author('ka') }, domain }),
      verifyDomain(deps, { actor: { tenantId: 'tb', author: author('kb') }, domain }),
    ]);
    // Assess: one verified, one 409; the routing item names the winner; nothing else is pending
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', field: 'domain' });
    const owner = (await store.domains.getVerifiedByDomain(domain))?.tenantId;
    const loser = owner === 'ta' ? 'tb' : 'ta';
    expect(await store.domains.list(loser)).toEqual([]);
    expect((await store.domains.list(owner ?? '')).map((d) => d.status)).toEqual(['verified']);
    // The loser's alias, if it got as far as provisioning, was removed again.
    if (provisioned.includes(`+${loser} ${domain}`)) expect(provisioned).toContain(`-${loser} ${domain}`);
  });

  it('refuses a platform subdomain and a name that is not a domain', async () => {
    const { deps } = await setup();
    await expect(
      addDomain(deps, {
        actor: { tenantId: 'ta', author: author('ka') },
        domain: 'x.p.test',
        platformHost: 'p.test:8080',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', field: 'domain' });
    await expect(
      addDomain(deps, {
        actor: { tenantId: 'ta', author: author('ka') },
        domain: 'not a domain',
        platformHost: 'p.test',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', field: 'domain' });
  });

  it('finishes a retried add or remove (same operation, earlier attempt failed) instead of refusing it', async () => {
    // Prepare: an add whose first attempt stored the claim and then failed
    const { store, deps } = await setup();
    const domain = 'status.retried.com';
    const actor = { tenantId: 'ta', author: author('ka'), operationId: '01KAAAAAAAAAAAAAAAAAAAAAAA' };
    const first = await addDomain(deps, { actor, domain, platformHost: 'p.test' });
    // Act + Assess: without `resumed` the same add is a 409; as the retry of that attempt it completes
    await expect(addDomain(deps, { actor, domain, platformHost: 'p.test' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const retried = await addDomain(deps, { actor: { ...actor, resumed: true }, domain, platformHost: 'p.test' });
    expect(retried.txtRecordValue).toBe(first.txtRecordValue);
    const audits = (await store.audit.list('ta')).items.filter((e) => e.action === 'domain.added');
    expect(audits).toHaveLength(1);
    // A remove retried after its first attempt removed the claim finishes rather than answering 404
    await removeDomain(deps, { actor: { ...actor, operationId: '01KBBBBBBBBBBBBBBBBBBBBBBB' }, domain });
    await expect(
      removeDomain(deps, { actor: { ...actor, operationId: '01KBBBBBBBBBBBBBBBBBBBBBBB' }, domain }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await removeDomain(deps, {
      actor: { ...actor, operationId: '01KBBBBBBBBBBBBBBBBBBBBBBB', resumed: true },
      domain,
    });
    expect(await store.domains.list('ta')).toEqual([]);
  });
});
