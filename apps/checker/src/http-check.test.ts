import type { HttpMonitorConfig } from '@upstate/core';
import { fetchTransport, nodeTransport } from '@upstate/egress/transport';
import { freePort } from '@upstate/store/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runHttpCheck, userAgent } from './http-check.ts';
import { startTarget, type Target } from './testing.ts';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});
beforeEach(() => {
  target.requests.length = 0;
});

const config = (path: string, over: Partial<HttpMonitorConfig> = {}): HttpMonitorConfig => ({
  kind: 'http',
  url: target.url(path),
  method: 'GET',
  expectedStatus: { min: 200, max: 299 },
  keyword: null,
  timeoutMs: 5000,
  followRedirects: true,
  headers: {},
  // Generous, so only the deliberately slow answers count as slow.
  degradedThresholdMs: 5000,
  ...over,
});
const local = { transport: nodeTransport, policy: { resolveHost: async () => [], allowPrivateTargets: true } };
const strict = { transport: nodeTransport, policy: { resolveHost: async () => [], allowPrivateTargets: false } };

describe('runHttpCheck against a local target', () => {
  it('is up on a 2xx, sending the method, the tenant headers and its user agent', async () => {
    target.answer('/up', { status: 204 });
    const outcome = await runHttpCheck(config('/up', { method: 'HEAD', headers: { 'X-Probe': 'yes' } }), local);
    expect(outcome).toMatchObject({ result: 'up', statusCode: 204, error: null });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(target.requests).toMatchObject([
      { method: 'HEAD', path: '/up', headers: { 'x-probe': 'yes', 'user-agent': userAgent } },
    ]);
  });

  it('is down on a 5xx, naming the status', async () => {
    target.answer('/down', { status: 503, body: 'unavailable' });
    expect(await runHttpCheck(config('/down'), local)).toMatchObject({
      result: 'down',
      statusCode: 503,
      error: 'status 503 outside 200-299',
    });
  });

  it('uses the monitor’s expected status range', async () => {
    target.answer('/gone', { status: 410 });
    expect((await runHttpCheck(config('/gone', { expectedStatus: { min: 400, max: 410 } }), local)).result).toBe('up');
    expect((await runHttpCheck(config('/gone'), local)).result).toBe('down');
  });

  it('is degraded when slower than the threshold', async () => {
    target.answer('/slow', { status: 200, delayMs: 400 });
    const outcome = await runHttpCheck(config('/slow', { degradedThresholdMs: 100 }), local);
    expect(outcome.result).toBe('degraded');
    expect(outcome.latencyMs).toBeGreaterThan(100);
    expect(outcome.error).toMatch(/^slow: \d+ ms > 100 ms$/);
  });

  it('is down when the keyword is missing, up when present', async () => {
    target.answer('/page', { status: 200, body: '<html>All systems nominal</html>' });
    expect(await runHttpCheck(config('/page', { keyword: 'All systems go' }), local)).toMatchObject({
      result: 'down',
      statusCode: 200,
      error: 'keyword not found',
    });
    expect((await runHttpCheck(config('/page', { keyword: 'systems nominal' }), local)).result).toBe('up');
  });

  it('is down with "connection refused" when nothing listens', async () => {
    const port = await freePort();
    const outcome = await runHttpCheck(config('/', { url: `http://127.0.0.1:${port}/` }), local);
    expect(outcome).toMatchObject({ result: 'down', statusCode: null, error: 'connection refused' });
  });

  it('is down with a timeout when the target never answers', async () => {
    target.answer('/hang', { hang: true });
    const outcome = await runHttpCheck(config('/hang', { timeoutMs: 1000 }), local);
    expect(outcome).toMatchObject({ result: 'down', statusCode: null, error: 'timeout after 1000 ms' });
  });

  it('follows redirects when allowed, and judges the 3xx itself when not', async () => {
    target.answer('/old', { status: 301, location: '/new' });
    target.answer('/new', { status: 200, body: 'moved here' });
    expect(await runHttpCheck(config('/old', { keyword: 'moved here' }), local)).toMatchObject({
      result: 'up',
      statusCode: 200,
    });
    expect(await runHttpCheck(config('/old', { followRedirects: false }), local)).toMatchObject({
      result: 'down',
      statusCode: 301,
    });
    expect(
      (await runHttpCheck(config('/old', { followRedirects: false, expectedStatus: { min: 300, max: 399 } }), local))
        .result,
    ).toBe('up');
  });

  it('sends the tenant headers on a same-origin hop, and none of them to another origin', async () => {
    // Prepare: a second target is another origin (another port)
    const other = await startTarget();
    try {
      target.answer('/same', { status: 302, location: '/landing' });
      target.answer('/landing', { status: 302, location: other.url('/elsewhere') });
      other.answer('/elsewhere', { status: 200 });
      const headers = { 'X-Api-Key': 'secret-1', Authorization: 'Bearer secret-2' };
      // Act
      const outcome = await runHttpCheck(config('/same', { headers }), local);
      // Assess
      expect(outcome.result).toBe('up');
      expect(target.requests.map((r) => r.headers['x-api-key'])).toEqual(['secret-1', 'secret-1']);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]?.headers['x-api-key']).toBeUndefined();
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
      expect(other.requests[0]?.headers['user-agent']).toBe(userAgent);
    } finally {
      await other.close();
    }
  });

  it('gives up on a redirect loop', async () => {
    target.answer('/loop', { status: 302, location: '/loop' });
    expect(await runHttpCheck(config('/loop'), local)).toMatchObject({
      result: 'down',
      error: 'more than 5 redirects',
    });
    expect(target.requests).toHaveLength(6);
  });

  it('turns a header value Node refuses into a down result instead of throwing', async () => {
    target.answer('/up', { status: 200 });
    const outcome = await runHttpCheck(config('/up', { headers: { 'X-Bad': 'a\r\nInjected: 1' } }), local);
    expect(outcome).toMatchObject({ result: 'down', statusCode: null });
    expect(outcome.error).toContain('ERR_INVALID_CHAR');
    expect(target.requests).toHaveLength(0);
  });

  it('works through an injected fetch as well', async () => {
    target.answer('/up', { status: 200, body: 'ok' });
    const viaFetch = { ...local, transport: fetchTransport(fetch) };
    expect(await runHttpCheck(config('/up', { keyword: 'ok' }), viaFetch)).toMatchObject({
      result: 'up',
      statusCode: 200,
    });
  });
});

describe('SSRF guard in a check', () => {
  it.each([
    'http://127.0.0.1:{port}/up',
    'http://[::1]:{port}/up',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
  ])('refuses %s without sending anything', async (url) => {
    target.answer('/up', { status: 200 });
    const outcome = await runHttpCheck(config('/up', { url: url.replace('{port}', String(target.port)) }), strict);
    expect(outcome).toMatchObject({ result: 'down', latencyMs: null, statusCode: null });
    expect(outcome.error).toBe('target not allowed');
    expect(outcome.refusal).toMatch(/^target refused: /);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a host name whose DNS answer is private (the injected resolver)', async () => {
    const policy = { resolveHost: async () => ['192.168.10.20'], allowPrivateTargets: false };
    const outcome = await runHttpCheck(config('/', { url: 'http://intranet.example.com/' }), {
      transport: nodeTransport,
      policy,
    });
    expect(outcome.error).toBe('target not allowed');
    expect(outcome.refusal).toBe('target refused: intranet.example.com → 192.168.10.20 is a private address');
  });

  it('re-checks every redirect hop: a public page redirecting to the metadata service is refused', async () => {
    // "public.example.com" resolves to a public address; the fetch routes it to the local target,
    // which answers with a redirect to 169.254.169.254. The second hop must never be requested.
    target.answer('/start', { status: 302, location: 'http://169.254.169.254/latest/meta-data/' });
    const requested: string[] = [];
    const routed: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      requested.push(url.href);
      return fetch(`${target.origin}${url.pathname}`, init);
    };
    const outcome = await runHttpCheck(config('/', { url: 'http://public.example.com/start' }), {
      transport: fetchTransport(routed),
      policy: { resolveHost: async () => ['93.184.216.34'], allowPrivateTargets: false },
    });
    expect(outcome.error).toBe('target not allowed');
    expect(outcome.refusal).toBe('target refused: 169.254.169.254 → 169.254.169.254 is a linkLocal address');
    expect(requested).toEqual(['http://public.example.com/start']);
  });
});
