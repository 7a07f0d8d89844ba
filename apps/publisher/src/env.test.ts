import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';

const base = { TABLE_NAME: 'upstate', BUCKET: 'sites', PLATFORM_DOMAIN: 'status.example.net' };

describe('publisher env', () => {
  it('parses a complete environment, with the AWS part from packages/aws', () => {
    expect(readEnv(base)).toMatchObject({
      TABLE_NAME: 'upstate',
      BUCKET: 'sites',
      PLATFORM_DOMAIN: 'status.example.net',
      AWS_REGION: 'us-east-1',
      PAGE_SCHEME: 'https',
      LEASE_TTL_SECONDS: 600,
    });
  });

  it('fails at start, naming the variable, when PLATFORM_DOMAIN is missing (no default: pages would carry wrong URLs)', () => {
    const { PLATFORM_DOMAIN: _, ...missing } = base;
    expect(() => readEnv(missing)).toThrow(/^Invalid environment: PLATFORM_DOMAIN: /);
    expect(() => readEnv({ ...base, PLATFORM_DOMAIN: '' })).toThrow(/PLATFORM_DOMAIN/);
    expect(() => readEnv({ ...base, S3_ENDPOINT: 'not a url' })).toThrow(/S3_ENDPOINT/);
  });
});
