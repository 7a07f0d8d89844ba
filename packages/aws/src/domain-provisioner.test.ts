import {
  CloudFrontClient,
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  GetDistributionTenantByDomainCommand,
  UpdateDistributionTenantCommand,
  VerifyDnsConfigurationCommand,
} from '@aws-sdk/client-cloudfront';
import { AppError } from '@upstate/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createCloudFrontDomainProvisioner, distributionTenantName, stageTagKey } from './domain-provisioner.ts';

// CloudFront has no local stand-in: the SDK is mocked and every command sent is asserted exactly.
const setup = (options: { stage?: string } = {}) => {
  const client = new CloudFrontClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const logged: string[] = [];
  const provisioner = createCloudFrontDomainProvisioner({
    client,
    distributionId: 'EDIST',
    connectionGroupId: 'cg_1',
    platformDomain: 'upstate.page',
    ...options,
    log: (message) => logged.push(message),
  });
  const sent = () => mock.calls().map((c) => ({ command: c.args[0].constructor.name, input: c.args[0].input }));
  return { mock, provisioner, logged, sent };
};

const name = distributionTenantName('status.acme.com');
const existing = (owner: string, enabled: boolean) => ({
  DistributionTenant: {
    Id: 'dt_1',
    Name: name,
    Enabled: enabled,
    Parameters: [{ Name: 'tenantId', Value: owner }],
  },
  ETag: 'E1',
});
const created = {
  command: 'CreateDistributionTenantCommand',
  input: {
    DistributionId: 'EDIST',
    ConnectionGroupId: 'cg_1',
    Name: name,
    Domains: [{ Domain: 'status.acme.com' }],
    Parameters: [{ Name: 'tenantId', Value: 't1' }],
    ManagedCertificateRequest: {
      ValidationTokenHost: 'cloudfront',
      PrimaryDomainName: 'status.acme.com',
      CertificateTransparencyLoggingPreference: 'enabled',
    },
    Enabled: true,
  },
};
const verified = {
  command: 'VerifyDnsConfigurationCommand',
  input: { Domain: 'status.acme.com', Identifier: name },
};

describe('distributionTenantName', () => {
  it('is deterministic, within CloudFront’s alphabet, and distinct for domains that flatten alike', () => {
    expect(distributionTenantName('a.b-c.com')).toBe(distributionTenantName('a.b-c.com'));
    // CloudFront's constraint on tenant names.
    const pattern = /^[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]$/;
    for (const domain of ['a.b-c.com', 'xn--bcher-kva.example', `${'x'.repeat(250)}.com`]) {
      expect(distributionTenantName(domain)).toMatch(pattern);
    }
    expect(distributionTenantName('a.b-c.com')).not.toBe(distributionTenantName('a-b.c.com'));
    expect(distributionTenantName(`${'x'.repeat(250)}.com`).length).toBeLessThanOrEqual(128);
  });
});

describe('CloudFront domain provisioner', () => {
  it('creates a distribution tenant with a managed certificate, then checks the CNAME', async () => {
    const { mock, provisioner, logged, sent } = setup();
    mock.on(CreateDistributionTenantCommand).resolves({ ETag: 'E1' });
    mock.on(VerifyDnsConfigurationCommand).resolves({
      DnsConfigurationList: [{ Domain: 'status.acme.com', Status: 'valid-configuration' }],
    });
    await provisioner.onVerified('t1', 'status.acme.com');
    expect(sent()).toEqual([created, verified]);
    expect(logged).toEqual([]);
  });

  it('tags the distribution tenant with its stage, so IAM can confine each stage to its own tenants', async () => {
    const { mock, provisioner } = setup({ stage: 'prod' });
    mock.on(CreateDistributionTenantCommand).resolves({});
    mock.on(VerifyDnsConfigurationCommand).resolves({});
    await provisioner.onVerified('t1', 'status.acme.com');
    expect(mock.commandCalls(CreateDistributionTenantCommand)[0]?.args[0].input).toEqual({
      ...created.input,
      Tags: { Items: [{ Key: stageTagKey, Value: 'prod' }] },
    });
  });

  it('puts a platform subdomain on the distribution’s wildcard certificate, requesting none', async () => {
    const { mock, provisioner } = setup();
    mock.on(CreateDistributionTenantCommand).resolves({});
    mock.on(VerifyDnsConfigurationCommand).resolves({});
    await provisioner.onVerified('t1', 'acme.upstate.page');
    expect(mock.commandCalls(CreateDistributionTenantCommand)[0]?.args[0].input).toEqual({
      DistributionId: 'EDIST',
      ConnectionGroupId: 'cg_1',
      Name: distributionTenantName('acme.upstate.page'),
      Domains: [{ Domain: 'acme.upstate.page' }],
      Parameters: [{ Name: 'tenantId', Value: 't1' }],
      Enabled: true,
    });
  });

  it('reports (without failing) a CNAME that does not point at CloudFront yet', async () => {
    const { mock, provisioner, logged } = setup();
    mock.on(CreateDistributionTenantCommand).resolves({});
    mock.on(VerifyDnsConfigurationCommand).resolves({
      DnsConfigurationList: [{ Domain: 'status.acme.com', Status: 'invalid-configuration' }],
    });
    await provisioner.onVerified('t1', 'status.acme.com');
    expect(logged).toEqual(['custom domain CNAME not yet pointing at CloudFront']);
  });

  it('re-enables its own disabled tenant when a removed domain is verified again', async () => {
    const { mock, provisioner, sent } = setup();
    mock
      .on(CreateDistributionTenantCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'EntityAlreadyExists' }));
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t1', false));
    mock.on(UpdateDistributionTenantCommand).resolves({ ETag: 'E2' });
    mock.on(VerifyDnsConfigurationCommand).resolves({});
    await provisioner.onVerified('t1', 'status.acme.com');
    expect(sent()).toEqual([
      created,
      { command: 'GetDistributionTenantByDomainCommand', input: { Domain: 'status.acme.com' } },
      { command: 'UpdateDistributionTenantCommand', input: { Id: 'dt_1', IfMatch: 'E1', Enabled: true } },
      verified,
    ]);
  });

  it('answers a conflict naming the domain when it is an alias of a distribution outside ours', async () => {
    const { mock, provisioner, sent } = setup();
    mock
      .on(CreateDistributionTenantCommand)
      .rejects(Object.assign(new Error('CNAME in use'), { name: 'CNAMEAlreadyExists' }));
    mock
      .on(GetDistributionTenantByDomainCommand)
      .rejects(Object.assign(new Error('missing'), { name: 'EntityNotFound' }));
    const error = await provisioner.onVerified('t1', 'status.acme.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', status: 409, field: 'domain' });
    expect(sent()).toEqual([
      created,
      { command: 'GetDistributionTenantByDomainCommand', input: { Domain: 'status.acme.com' } },
    ]);
  });

  it('refuses a domain that still routes to another tenant, and changes nothing', async () => {
    const { mock, provisioner, sent } = setup();
    mock
      .on(CreateDistributionTenantCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'EntityAlreadyExists' }));
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t2', true));
    const error = await provisioner.onVerified('t1', 'status.acme.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', field: 'domain' });
    expect(sent().map((c) => c.command)).toEqual([
      'CreateDistributionTenantCommand',
      'GetDistributionTenantByDomainCommand',
    ]);
  });

  it('takes over a domain its previous owner removed: deletes the disabled leftover, then creates', async () => {
    const { mock, provisioner, sent } = setup();
    mock
      .on(CreateDistributionTenantCommand)
      .rejectsOnce(Object.assign(new Error('exists'), { name: 'EntityAlreadyExists' }))
      .resolves({});
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t2', false));
    mock.on(DeleteDistributionTenantCommand).resolves({});
    mock.on(VerifyDnsConfigurationCommand).resolves({});
    await provisioner.onVerified('t1', 'status.acme.com');
    expect(sent()).toEqual([
      created,
      { command: 'GetDistributionTenantByDomainCommand', input: { Domain: 'status.acme.com' } },
      { command: 'DeleteDistributionTenantCommand', input: { Id: 'dt_1', IfMatch: 'E1' } },
      created,
      verified,
    ]);
  });

  it('on removal disables, then deletes the tenant’s distribution tenant', async () => {
    const { mock, provisioner, sent } = setup();
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t1', true));
    mock.on(UpdateDistributionTenantCommand).resolves({ ETag: 'E2' });
    mock.on(DeleteDistributionTenantCommand).resolves({});
    await provisioner.onRemoved('t1', 'status.acme.com');
    expect(sent()).toEqual([
      { command: 'GetDistributionTenantByDomainCommand', input: { Domain: 'status.acme.com' } },
      { command: 'UpdateDistributionTenantCommand', input: { Id: 'dt_1', IfMatch: 'E1', Enabled: false } },
      { command: 'DeleteDistributionTenantCommand', input: { Id: 'dt_1', IfMatch: 'E2' } },
    ]);
  });

  it('leaves a disabled tenant in place while CloudFront still deploys the disable', async () => {
    const { mock, provisioner, logged } = setup();
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t1', true));
    mock.on(UpdateDistributionTenantCommand).resolves({ ETag: 'E2' });
    mock
      .on(DeleteDistributionTenantCommand)
      .rejects(Object.assign(new Error('not disabled'), { name: 'ResourceNotDisabled' }));
    await provisioner.onRemoved('t1', 'status.acme.com');
    expect(logged).toEqual(['distribution tenant disabled, deletion deferred']);
  });

  it('on removal never touches another tenant’s distribution tenant, nor fails when none exists', async () => {
    const { mock, provisioner, sent } = setup();
    mock.on(GetDistributionTenantByDomainCommand).resolves(existing('t2', true));
    await provisioner.onRemoved('t1', 'status.acme.com');
    expect(sent().map((c) => c.command)).toEqual(['GetDistributionTenantByDomainCommand']);
    mock.reset();
    mock
      .on(GetDistributionTenantByDomainCommand)
      .rejects(Object.assign(new Error('missing'), { name: 'EntityNotFound' }));
    await provisioner.onRemoved('t1', 'other.acme.com');
    expect(sent()).toEqual([{ command: 'GetDistributionTenantByDomainCommand', input: { Domain: 'other.acme.com' } }]);
  });
});
