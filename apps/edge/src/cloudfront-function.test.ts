import { describe, expect, it } from 'vitest';
import { cloudFrontFunctionSource, cloudFrontHandler, rewriteUri } from './cloudfront-function.ts';
import { corsHeaders } from './headers.ts';

// One table drives both the pure rewrite and the deployed handler, so the edge and CloudFront agree.
const cases: [uri: string, expected: string | 400][] = [
  ['/', '/index.html'],
  ['/history/', '/history/index.html'],
  ['/history/2/', '/history/2/index.html'],
  ['/history', '/history/index.html'],
  ['/incidents/01JABC', '/incidents/01JABC/index.html'],
  ['/incidents/01JABC/', '/incidents/01JABC/index.html'],
  ['/feed.rss', '/feed.rss'],
  ['/history.atom', '/history.atom'],
  ['/api/v2/incidents/01JABC.json', '/api/v2/incidents/01JABC.json'],
  ['/api/v2/summary.json', '/api/v2/summary.json'],
  ['/api/v2/incidents/unresolved.json', '/api/v2/incidents/unresolved.json'],
  ['/assets/default/abc123.css', '/assets/default/abc123.css'],
  ['/404.html', '/404.html'],
  ['/../sites/other/index.html', 400],
  ['/history/../../secret', 400],
  ['/./index.html', 400],
  ['/%2e%2e/other/index.html', 400],
  ['/%2E%2E/other/index.html', 400],
  ['/a%2fb', 400],
  ['/a%5c..', 400],
  ['/a\\b', 400],
  ['relative', 400],
];

describe('CloudFront viewer-request function', () => {
  it.each(cases)('rewrites %s', (uri, expected) => {
    const result = rewriteUri(uri);
    if (expected === 400) expect(result).toEqual({ status: 400 });
    else expect(result).toEqual({ uri: expected });
  });

  it.each(cases)('handler answers %s the same way', async (uri, expected) => {
    const result = await cloudFrontHandler({ request: { uri } });
    if (expected === 400) expect(result).toEqual({ statusCode: 400, statusDescription: 'Bad Request' });
    else expect(result.uri).toBe(expected);
  });

  it('answers a CORS preflight on /api/v2/* with the headers the API responses carry', async () => {
    const result = await cloudFrontHandler({ request: { uri: '/api/v2/incidents/abc.json', method: 'OPTIONS' } });
    expect(result.statusCode).toBe(204);
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, v.value]));
    expect(headers).toEqual(corsHeaders('/api/v2/incidents/abc.json'));
  });

  it('refuses OPTIONS outside the v2 API and never turns a preflight into a fetch', async () => {
    expect(await cloudFrontHandler({ request: { uri: '/', method: 'OPTIONS' } })).toEqual({
      statusCode: 405,
      statusDescription: 'Method Not Allowed',
      headers: { allow: { value: 'GET, HEAD' } },
    });
    expect(await cloudFrontHandler({ request: { uri: '/api/v2/../x', method: 'OPTIONS' } })).toMatchObject({
      statusCode: 400,
    });
    expect((await cloudFrontHandler({ request: { uri: '/api/v2/status.json', method: 'GET' } })).uri).toBe(
      '/api/v2/status.json',
    );
  });

  it('is a plain cloudfront-js-2.0 script: no imports, exports or Node globals', () => {
    expect(cloudFrontFunctionSource).toMatch(/^async function handler\(event\)/m);
    expect(cloudFrontFunctionSource).not.toMatch(/\b(import|export|require|process|globalThis)\b/);
  });
});
