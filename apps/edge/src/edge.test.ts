import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cacheControl, cdnPaths, siteKey, syncSite } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { newId } from '@upstate/core';
import { createTestStore } from '@upstate/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdge, type Edge } from './edge.ts';
import { contentSecurityPolicy, embedFrameContentSecurityPolicy } from './headers.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
let store: Awaited<ReturnType<typeof createTestStore>>['store'];
let clock = Date.parse('2026-01-01T00:00:00Z');
let edge: Edge;
const acme = { id: newId(), slug: 'acme' };
const globex = { id: newId(), slug: 'globex' };
const encoder = new TextEncoder();

async function put(key: string, body: string, contentType: string, cache: string = cacheControl.short) {
  await s3.client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cache }),
  );
}

const get = (host: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
  edge.fetch(new Request(`http://127.0.0.1:8080${path}`, { method, headers: { host, ...headers } }));

const big = (label: string) => `<!doctype html><title>${label}</title>${'<p>status is fine</p>'.repeat(200)}`;

beforeAll(async () => {
  s3 = await startS3rver();
  ({ store } = await createTestStore());
  for (const t of [acme, globex]) {
    await store.tenants.create({
      id: t.id,
      slug: t.slug,
      name: t.slug,
      timezone: 'UTC',
      createdAt: new Date().toISOString(),
    });
    await put(siteKey(t.id, 'index.html'), big(`${t.slug} home`), 'text/html; charset=utf-8');
    await put(siteKey(t.id, 'history/index.html'), `<title>${t.slug} history</title>`, 'text/html; charset=utf-8');
    await put(siteKey(t.id, '404.html'), `<title>${t.slug} not found</title>`, 'text/html; charset=utf-8');
    await put(siteKey(t.id, 'api/v2/summary.json'), JSON.stringify({ page: { name: t.slug } }), 'application/json');
  }
  await put('assets/default/abc123.css', 'body{color:red}', 'text/css; charset=utf-8', cacheControl.immutable);
  await put(`manifests/${acme.id}.json`, '{}', 'application/json', 'no-store');
  edge = createEdge({ s3: s3.client, bucket: s3.bucket, store, platformDomain: 'localhost', now: () => clock });
}, 30_000);

afterAll(async () => {
  await s3?.close();
});

describe('routing by Host', () => {
  it('serves {slug}.localhost (any port) from that tenant only', async () => {
    const a = await get('acme.localhost:8080', '/');
    expect(a.status).toBe(200);
    expect(await a.text()).toContain('acme home');
    const g = await get('GLOBEX.localhost', '/');
    expect(await g.text()).toContain('globex home');
  });

  it('answers unknown hosts, bare localhost and malformed slugs with the plain 404 page', async () => {
    for (const host of ['nobody.localhost:8080', 'localhost:8080', 'a.b.localhost', '-x.localhost', 'example.com']) {
      const res = await get(host, '/');
      expect(res.status, host).toBe(404);
      const body = await res.text();
      expect(body).toContain('There is no status page at this address');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('routes a custom domain only once it is verified', async () => {
    const domain = 'status.acme.test';
    await store.domains.add({
      tenantId: acme.id,
      domain,
      status: 'pending',
      txtRecordName: `_upstate-challenge.${domain}`,
      txtRecordValue: 'token',
      createdAt: new Date().toISOString(),
      verifiedAt: null,
      lastCheckedAt: null,
    });
    expect((await get(domain, '/')).status).toBe(404);
    await store.domains.verify(acme.id, domain);
    const res = await get(`${domain}:443`, '/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('acme home');
  });

  it('remembers resolved hosts briefly, misses never', async () => {
    const answers = new Map<string, string | null>([['a.example', acme.id]]);
    let lookups = 0;
    let now = 0;
    const cached = createEdge({
      s3: s3.client,
      bucket: s3.bucket,
      now: () => now,
      resolveHost: async (host) => {
        lookups++;
        return answers.get(host) ?? null;
      },
    });
    const hit = () => cached.fetch(new Request('http://x/', { headers: { host: 'a.example' } }));
    expect((await hit()).status).toBe(200);
    expect((await hit()).status).toBe(200);
    expect(lookups).toBe(1);
    answers.set('a.example', null);
    now += 5_001;
    expect((await hit()).status).toBe(404);
    expect((await hit()).status).toBe(404);
    expect(lookups).toBe(3);
    answers.set('a.example', acme.id);
    expect((await hit()).status).toBe(200);
  });

  it('checks slugs as strictly as core: a slug core refuses never routes, even if stored', async () => {
    // Prepare: tenants written straight to the store with slugs sign-up would refuse
    for (const slug of ['ab', 'login', 'mta-sts']) {
      const id = newId();
      await store.tenants.create({ id, slug, name: slug, timezone: 'UTC', createdAt: new Date().toISOString() });
      await put(siteKey(id, 'index.html'), `<title>${slug} home</title>`, 'text/html; charset=utf-8');
      // Act + Assess
      const res = await get(`${slug}.localhost`, '/');
      expect(res.status, slug).toBe(404);
      expect(await res.text()).not.toContain(`${slug} home`);
    }
  });

  it('answers an origin failure with a 502 that carries the security headers', async () => {
    // Prepare: an edge whose routing lookup fails
    const failing = createEdge({
      s3: s3.client,
      bucket: s3.bucket,
      resolveHost: async () => {
        throw new Error('table unavailable');
      },
    });
    const quiet = console.error;
    console.error = () => {};
    try {
      // Act
      const res = await failing.fetch(
        new Request('https://x/', { headers: { host: 'acme.localhost', 'x-forwarded-proto': 'https' } }),
      );
      // Assess
      expect(res.status).toBe(502);
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeTruthy();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).not.toContain('table unavailable');
    } finally {
      console.error = quiet;
    }
  });

  it('takes a resolveHost function instead of a store', async () => {
    const custom = createEdge({
      s3: s3.client,
      bucket: s3.bucket,
      resolveHost: async (host) => (host === 'anything.example' ? globex.id : null),
    });
    const ok = await custom.fetch(new Request('http://x/', { headers: { host: 'anything.example' } }));
    expect(await ok.text()).toContain('globex home');
    expect((await custom.fetch(new Request('http://x/', { headers: { host: 'acme.localhost' } }))).status).toBe(404);
  });
});

describe('serving from S3 like CloudFront', () => {
  it('serves index.html for directories and extension-less paths', async () => {
    for (const path of ['/history/', '/history']) {
      const res = await get('acme.localhost', path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('acme history');
    }
  });

  it("serves the tenant's own 404.html with status 404", async () => {
    const res = await get('globex.localhost', '/incidents/nope/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('globex not found');
  });

  it('serves /assets/ from the shared prefix for every tenant', async () => {
    for (const host of ['acme.localhost', 'globex.localhost']) {
      const res = await get(host, '/assets/default/abc123.css');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe(cacheControl.immutable);
      expect(await res.text()).toBe('body{color:red}');
    }
  });

  it('never serves bucket keys outside the tenant prefix', async () => {
    for (const path of ['/a%2f..%2fb', '/a%5c..%5cb']) {
      expect((await get('acme.localhost', path)).status, path).toBe(400);
    }
    // The URL parser resolves dot segments (encoded or not) before the function runs: they stay inside the prefix.
    for (const path of ['/../manifests/x.json', '/%2e%2e/%2e%2e/manifests/x.json', `/manifests/${acme.id}.json`]) {
      const res = await get('acme.localhost', path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('acme not found');
    }
  });

  it('answers If-None-Match with 304 and keeps the validators', async () => {
    const first = await get('acme.localhost', '/history/');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await get('acme.localhost', '/history/', { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const changed = await get('acme.localhost', '/history/', { 'if-none-match': '"other"' });
    expect(changed.status).toBe(200);
  });

  it('compresses with brotli or gzip as the client accepts, identical after decoding', async () => {
    const plain = await (await get('acme.localhost', '/', { 'accept-encoding': 'identity' })).arrayBuffer();
    const br = await get('acme.localhost', '/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(brBody.byteLength).toBeLessThan(plain.byteLength);
    expect(brotliDecompressSync(brBody)).toEqual(Buffer.from(plain));
    const gz = await get('acme.localhost', '/', { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer()))).toEqual(Buffer.from(plain));
    const refused = await get('acme.localhost', '/', { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers.get('content-encoding')).toBe('gzip');
    const tiny = await get('acme.localhost', '/history/', { 'accept-encoding': 'br' });
    expect(tiny.headers.get('content-encoding')).toBeNull();
  });

  it('lets other sites frame /embed/frame/ alone; every other path stays DENY', async () => {
    await put(siteKey(acme.id, 'embed/frame/index.html'), '<p>frame</p>', 'text/html; charset=utf-8');
    const frame = await get('acme.localhost', '/embed/frame/');
    expect(frame.status).toBe(200);
    expect(frame.headers.get('x-frame-options')).toBeNull();
    expect(frame.headers.get('content-security-policy')).toBe(embedFrameContentSecurityPolicy);
    expect(embedFrameContentSecurityPolicy).toBe(
      contentSecurityPolicy.replace("frame-ancestors 'none'", 'frame-ancestors *'),
    );
    for (const path of ['/', '/embed/script.js', '/embed/frameX', '/incidents/x/', '/api/v2/summary.json']) {
      const res = await get('acme.localhost', path);
      expect({
        path,
        xfo: res.headers.get('x-frame-options'),
        csp: res.headers.get('content-security-policy'),
      }).toEqual({
        path,
        xfo: 'DENY',
        csp: contentSecurityPolicy,
      });
    }
  });

  it('adds the security headers, HSTS only over https', async () => {
    const res = await get('acme.localhost', '/');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).toContain("default-src 'none'");
    expect(contentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy).not.toMatch(/script-src|unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const secure = await get('acme.localhost', '/', { 'x-forwarded-proto': 'https' });
    expect(secure.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const missing = await get('nobody.localhost', '/');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('opens CORS on /api/v2/* only', async () => {
    const json = await get('acme.localhost', '/api/v2/summary.json', { origin: 'https://widget.example' });
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    expect(await json.json()).toEqual({ page: { name: 'acme' } });
    const preflight = await get('acme.localhost', '/api/v2/summary.json', {}, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect((await get('acme.localhost', '/', {}, 'OPTIONS')).status).toBe(405);
    expect((await get('acme.localhost', '/')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await get('acme.localhost', '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('acme.localhost', '/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('caching like CloudFront', () => {
  const host = 'acme.localhost';
  const body = async (path: string) => (await get(host, path)).text();

  it('keeps serving stale content when an invalidation is missing, and the pipeline invalidation clears it', async () => {
    // Prepare: the site as the pipeline publishes it, read once through the edge (now cached).
    const page = (text: string) => ({
      path: 'incidents/x/index.html',
      body: encoder.encode(`<title>${text}</title>`),
      contentType: 'text/html; charset=utf-8',
      cacheClass: 'short' as const,
    });
    await syncSite({ s3: s3.client, bucket: s3.bucket, tenantId: acme.id, files: [page('investigating')] });
    expect(await body('/incidents/x/')).toContain('investigating');

    // Act 1: a new version lands in S3 but nobody invalidates.
    const sync = await syncSite({ s3: s3.client, bucket: s3.bucket, tenantId: acme.id, files: [page('resolved')] });
    // Assess: the edge still serves the old page (CloudFront would, for up to s-maxage).
    expect(await body('/incidents/x/')).toContain('investigating');
    expect(await body('/incidents/x')).toContain('investigating');

    // Act 2: the pipeline's invalidate step — exactly the changed CDN paths.
    expect(cdnPaths(sync.uploaded)).toEqual(['/incidents/x/index.html']);
    await edge.invalidator.invalidate(acme.id, cdnPaths(sync.uploaded));
    expect(await body('/incidents/x/')).toContain('resolved');
  });

  it("scopes invalidations to one tenant and supports CloudFront's trailing wildcard", async () => {
    await body('/history/');
    expect(await (await get('globex.localhost', '/history/')).text()).toContain('globex history');
    await put(siteKey(acme.id, 'history/index.html'), '<title>acme history v2</title>', 'text/html');
    await put(siteKey(globex.id, 'history/index.html'), '<title>globex history v2</title>', 'text/html');
    await edge.invalidator.invalidate(acme.id, ['/*']);
    expect(await body('/history/')).toContain('acme history v2');
    expect(await (await get('globex.localhost', '/history/')).text()).toContain('globex history</title>');
    await edge.invalidator.invalidate(globex.id, ['/history/*']);
    expect(await (await get('globex.localhost', '/history/')).text()).toContain('globex history v2');
  });

  it('reports hits and misses like CloudFront (X-Cache, Age)', async () => {
    await edge.invalidator.invalidate(globex.id, ['/*']);
    const miss = await get('globex.localhost', '/');
    expect(miss.headers.get('x-cache')).toBe('Miss from upstate-edge');
    expect(miss.headers.get('age')).toBeNull();
    clock += 7_000;
    const hit = await get('globex.localhost', '/');
    expect(hit.headers.get('x-cache')).toBe('Hit from upstate-edge');
    expect(hit.headers.get('age')).toBe('7');
  });

  it('expires entries after s-maxage even without an invalidation', async () => {
    await put(siteKey(acme.id, 'feed.rss'), '<rss>one</rss>', 'application/rss+xml');
    expect(await body('/feed.rss')).toBe('<rss>one</rss>');
    await put(siteKey(acme.id, 'feed.rss'), '<rss>two</rss>', 'application/rss+xml');
    clock += 299_000;
    expect(await body('/feed.rss')).toBe('<rss>one</rss>');
    clock += 2_000;
    expect(await body('/feed.rss')).toBe('<rss>two</rss>');
  });

  it('never caches no-store objects', async () => {
    await put(siteKey(acme.id, 'live.json'), '1', 'application/json', 'no-store');
    expect(await body('/live.json')).toBe('1');
    await put(siteKey(acme.id, 'live.json'), '2', 'application/json', 'no-store');
    expect(await body('/live.json')).toBe('2');
  });
});

describe('listen', () => {
  it('serves over HTTP and reports a port in use', async () => {
    const server = await edge.listen(0);
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        // fetch() may not set Host; node:http can, which is how Node reaches *.localhost.
        const req = request({
          port: server.port,
          host: '127.0.0.1',
          path: '/history/',
          headers: { host: 'acme.localhost' },
        });
        req.once('response', (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.once('end', () => resolve({ status: r.statusCode ?? 0, body }));
        });
        req.once('error', reject);
        req.end();
      });
      expect(res.status).toBe(200);
      expect(res.body).toContain('acme history');
      await expect(edge.listen(server.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await server.close();
    }
  });
});
