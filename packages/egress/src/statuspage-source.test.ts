import { describe, expect, it } from 'vitest';
import { httpStatuspageSource, vetSource } from './statuspage-source.ts';
import type { HopRequest, Transport } from './transport.ts';

// The internet has no stand-in here, so the transport is replaced by answers keyed by URL, and the
// test asserts the exact hops sent (address pinned, https only).
const dns = (table: Record<string, string[]>) => async (host: string) => {
  const answer = table[host];
  if (!answer) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return answer;
};
function replay(answers: Record<string, { status: number; body?: string; location?: string }>) {
  const hops: HopRequest[] = [];
  const transport: Transport = async (hop) => {
    hops.push(hop);
    const a = answers[hop.url.href];
    if (!a) throw new Error('connection refused');
    return { status: a.status, body: a.body ?? '', location: a.location ?? null };
  };
  return { hops, transport };
}
const resolveHost = dns({ 'status.example.com': ['93.184.215.14'], 'evil.example.com': ['10.0.0.5'] });

describe('httpStatuspageSource', () => {
  it('reads JSON under the page root, pinned to the vetted address', async () => {
    const { hops, transport } = replay({
      'https://status.example.com/api/v2/summary.json': { status: 200, body: '{"page":{"id":"p1"}}' },
    });
    const source = httpStatuspageSource('https://status.example.com', { resolveHost, transport });
    expect(await source.getJson('api/v2/summary.json')).toEqual({ page: { id: 'p1' } });
    expect(hops.map((h) => [h.url.href, h.address, h.method])).toEqual([
      ['https://status.example.com/api/v2/summary.json', '93.184.215.14', 'GET'],
    ]);
  });

  it('refuses a redirect to a private address and one that leaves https', async () => {
    const { transport } = replay({
      'https://status.example.com/a.json': { status: 302, location: 'https://evil.example.com/a.json' },
      'https://status.example.com/b.json': { status: 301, location: 'http://status.example.com/b.json' },
    });
    const source = httpStatuspageSource('https://status.example.com', { resolveHost, transport });
    await expect(source.getJson('a.json')).rejects.toMatchObject({ code: 'source_refused', field: 'url' });
    await expect(source.getJson('b.json')).rejects.toMatchObject({ code: 'source_refused' });
  });

  it('maps non-200 answers, non-JSON and oversized bodies to 4xx codes', async () => {
    const { transport } = replay({
      'https://status.example.com/gone.json': { status: 404 },
      'https://status.example.com/html.json': { status: 200, body: '<html>' },
      'https://status.example.com/big.json': { status: 200, body: `"${'x'.repeat(200)}"` },
    });
    const source = httpStatuspageSource('https://status.example.com', { resolveHost, transport, maxBodyBytes: 100 });
    await expect(source.getJson('gone.json')).rejects.toMatchObject({ code: 'source_unreachable' });
    await expect(source.getJson('html.json')).rejects.toMatchObject({ code: 'source_invalid' });
    await expect(source.getJson('big.json')).rejects.toMatchObject({ code: 'source_invalid' });
    await expect(source.getJson('down.json')).rejects.toMatchObject({ code: 'source_unreachable' });
  });
});

describe('vetSource', () => {
  it('accepts a public host and refuses private, loopback and unresolvable ones', async () => {
    await expect(vetSource('https://status.example.com', resolveHost)).resolves.toBeUndefined();
    await expect(vetSource('https://evil.example.com', resolveHost)).rejects.toMatchObject({ code: 'source_refused' });
    await expect(vetSource('https://nowhere.example.com', resolveHost)).rejects.toMatchObject({
      code: 'source_unreachable',
    });
  });
});
