import { describe, expect, it } from 'vitest';
import { pinnedLookup } from './post.ts';
import { RefusedTarget, refusalReason, vetTarget } from './ssrf.ts';

const resolver = (table: Record<string, string[]>) => async (host: string) => {
  const answer = table[host];
  if (!answer) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return answer;
};
const strict = { resolveHost: resolver({}), allowPrivateTargets: false };

describe('refusalReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['10.0.0.8', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::', '6to4'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusalReason(address)).toContain(range);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])('allows public %s', (address) => {
    expect(refusalReason(address)).toBeNull();
  });
});

describe('vetTarget', () => {
  it.each([
    'http://127.0.0.1/',
    'http://10.1.2.3:8080/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[fd00:ec2::254]/',
    'http://0x7f.1/',
  ])('refuses the literal target %s without resolving it', async (url) => {
    await expect(vetTarget(new URL(url), strict)).rejects.toBeInstanceOf(RefusedTarget);
  });

  it('refuses a host name that resolves to a private address, and one with any private answer', async () => {
    const policy = {
      resolveHost: resolver({
        'internal.example.com': ['10.0.0.5'],
        'mixed.example.com': ['93.184.216.34', '192.168.0.9'],
      }),
      allowPrivateTargets: false,
    };
    await expect(vetTarget(new URL('https://internal.example.com/'), policy)).rejects.toThrow(
      /10\.0\.0\.5 is a private/,
    );
    await expect(vetTarget(new URL('https://mixed.example.com/'), policy)).rejects.toThrow(/192\.168\.0\.9/);
  });

  it('returns the vetted public address to connect to', async () => {
    const policy = { resolveHost: resolver({ 'www.example.com': ['93.184.216.34'] }), allowPrivateTargets: false };
    expect(await vetTarget(new URL('https://www.example.com/health'), policy)).toBe('93.184.216.34');
  });

  it('allows loopback and private targets only in local mode', async () => {
    const local = { resolveHost: resolver({ 'db.internal': ['10.0.0.7'] }), allowPrivateTargets: true };
    expect(await vetTarget(new URL('http://127.0.0.1:3000/'), local)).toBe('127.0.0.1');
    expect(await vetTarget(new URL('http://db.internal/'), local)).toBe('10.0.0.7');
  });

  it('refuses other schemes and reports a failed lookup as an error, not a refusal', async () => {
    await expect(vetTarget(new URL('file:///etc/passwd'), strict)).rejects.toBeInstanceOf(RefusedTarget);
    const failure = await vetTarget(new URL('http://nowhere.example/'), strict).catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(RefusedTarget);
    expect(String(failure)).toContain('ENOTFOUND');
  });
});

describe('pinnedLookup', () => {
  it('answers every lookup with the vetted address, in both callback shapes', () => {
    const lookup = pinnedLookup('93.184.216.34') as unknown as (
      host: string,
      options: { all?: boolean },
      cb: (...args: unknown[]) => void,
    ) => void;
    const all: unknown[] = [];
    lookup('rebinding.example', { all: true }, (...args) => all.push(args));
    lookup('rebinding.example', {}, (...args) => all.push(args));
    expect(all).toEqual([
      [null, [{ address: '93.184.216.34', family: 4 }]],
      [null, '93.184.216.34', 4],
    ]);
  });
});
