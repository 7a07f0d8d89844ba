import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestTenant } from './testing.ts';

// Issue 14 item 1: a pending claim blocks nobody; proving the TXT record decides; a verified domain is taken.

let t: Awaited<ReturnType<typeof createTestApp>>;
let squatter: TestTenant;
let owner: TestTenant;
const provisioned: string[] = [];

const json = async (res: Response) => (await res.json()) as Record<string, any>;

beforeAll(async () => {
  t = await createTestApp({
    domainProvisioner: {
      async onVerified(tenantId, domain) {
        if (!domain.includes('localhost')) provisioned.push(`verified ${tenantId} ${domain}`);
      },
      async onRemoved(tenantId, domain) {
        provisioned.push(`removed ${tenantId} ${domain}`);
      },
    },
  });
  squatter = await t.signup('squatter');
  owner = await t.signup('real-owner');
});

describe('domain claims', () => {
  it("lets the real owner through a squatter's pending claim, and the proof decides", async () => {
    // Prepare: the squatter claims first
    const domain = 'status.real-owner.com';
    const squat = await t.call(squatter, 'POST', '/v1/domains', { domain });
    expect(squat.status).toBe(201);
    // Act: the owner claims too, sets its TXT record and verifies
    const claimed = await t.call(owner, 'POST', '/v1/domains', { domain });
    expect(claimed.status).toBe(201);
    const ownerClaim = await json(claimed);
    expect(ownerClaim.txtRecordValue).not.toBe((await json(squat)).txtRecordValue);
    t.txt.set(ownerClaim.txtRecordName, [[ownerClaim.txtRecordValue]]);
    const verified = await t.call(owner, 'POST', `/v1/domains/${domain}/verify`);
    // Assess: the owner has it, routed; the squatter's claim is gone and it cannot claim again
    expect(verified.status).toBe(200);
    expect((await json(verified)).status).toBe('verified');
    expect((await t.store.domains.getVerifiedByDomain(domain))?.tenantId).toBe(owner.tenantId);
    expect((await json(await t.call(squatter, 'GET', '/v1/domains'))).data).toEqual([]);
    const again = await t.call(squatter, 'POST', '/v1/domains', { domain });
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatchObject({ code: 'conflict', field: 'domain' });
    expect((await t.call(squatter, 'POST', `/v1/domains/${domain}/verify`)).status).toBe(404);
    expect(provisioned).toEqual([`verified ${owner.tenantId} ${domain}`]);
  });

  it('cannot restart anything by deleting and re-adding: a re-added claim still loses to the proof', async () => {
    const domain = 'status.second-owner.com';
    expect((await t.call(squatter, 'POST', '/v1/domains', { domain })).status).toBe(201);
    expect((await t.call(squatter, 'DELETE', `/v1/domains/${domain}`)).status).toBe(204);
    expect((await t.call(squatter, 'POST', '/v1/domains', { domain })).status).toBe(201);
    const claim = await json(await t.call(owner, 'POST', '/v1/domains', { domain }));
    t.txt.set(claim.txtRecordName, [[claim.txtRecordValue]]);
    expect((await json(await t.call(owner, 'POST', `/v1/domains/${domain}/verify`))).status).toBe('verified');
    expect((await json(await t.call(squatter, 'GET', '/v1/domains'))).data).toEqual([]);
  });

  it("a squatter's verify never succeeds on the owner's record", async () => {
    // Prepare: both claim; only the owner's token is in DNS
    const domain = 'status.third-owner.com';
    const squat = await json(await t.call(squatter, 'POST', '/v1/domains', { domain }));
    const claim = await json(await t.call(owner, 'POST', '/v1/domains', { domain }));
    t.txt.set(claim.txtRecordName, [[claim.txtRecordValue]]);
    // Act
    const tried = await json(await t.call(squatter, 'POST', `/v1/domains/${domain}/verify`));
    // Assess
    expect(squat.txtRecordName).toBe(claim.txtRecordName);
    expect(tried.status).toBe('pending');
    expect(await t.store.domains.getVerifiedByDomain(domain)).toBeUndefined();
  });

  it('removes a verified domain so that another tenant can then claim and prove it', async () => {
    const domain = 'status.real-owner.com';
    expect((await t.call(owner, 'DELETE', `/v1/domains/${domain}`)).status).toBe(204);
    expect(await t.store.domains.getVerifiedByDomain(domain)).toBeUndefined();
    expect((await t.call(squatter, 'POST', '/v1/domains', { domain })).status).toBe(201);
  });
});
