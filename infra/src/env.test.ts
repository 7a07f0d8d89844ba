import { describe, expect, it } from 'vitest';
import { readStageConfig } from './env.ts';

const valid = {
  UPSTATE_STAGE: 'prod',
  UPSTATE_REGION: 'eu-west-1',
  UPSTATE_PLATFORM_DOMAIN: 'Status.Example.com',
  UPSTATE_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
  UPSTATE_ALARM_EMAIL: 'ops@example.com',
};

describe('stage config', () => {
  it('reads UPSTATE_* variables, lower-cases the domain and applies defaults', () => {
    expect(readStageConfig(valid)).toEqual({
      stage: 'prod',
      region: 'eu-west-1',
      platformDomain: 'status.example.com',
      certificateArn: valid.UPSTATE_CERTIFICATE_ARN,
      alarmEmail: 'ops@example.com',
      apiRateLimit: 200,
      logRetentionDays: 30,
    });
    expect(
      readStageConfig({ ...valid, UPSTATE_STATE_BUCKET: 'acme-tfstate', UPSTATE_LOG_RETENTION_DAYS: '90' }),
    ).toMatchObject({ stateBucket: 'acme-tfstate', logRetentionDays: 90 });
  });

  it('names every missing or malformed field', () => {
    expect(() => readStageConfig({})).toThrow(
      /stage:[\s\S]*region:[\s\S]*platformDomain:[\s\S]*certificateArn:[\s\S]*alarmEmail:/,
    );
    expect(() => readStageConfig({ ...valid, UPSTATE_STAGE: 'Prod_1' })).toThrow(/stage:/);
    expect(() => readStageConfig({ ...valid, UPSTATE_PLATFORM_DOMAIN: 'https://status.example.com' })).toThrow(
      /platformDomain:/,
    );
    expect(() => readStageConfig({ ...valid, UPSTATE_ALARM_EMAIL: 'ops' })).toThrow(/alarmEmail:/);
    expect(() => readStageConfig({ ...valid, UPSTATE_LOG_RETENTION_DAYS: '31' })).toThrow(/logRetentionDays:/);
  });

  it('accepts only a us-east-1 ACM certificate, the only region CloudFront reads', () => {
    const inIreland = valid.UPSTATE_CERTIFICATE_ARN.replace('us-east-1', 'eu-west-1');
    expect(() => readStageConfig({ ...valid, UPSTATE_CERTIFICATE_ARN: inIreland })).toThrow(
      /certificateArn: .*us-east-1/,
    );
  });
});
