import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { readObject, siteKey } from '@upstate/aws';
import { TenantSlug } from '@upstate/core';
import { type CachedObject, EdgeCache, sharedTtlMs } from './cache.ts';
import { cloudFrontHandler } from './cloudfront-function.ts';
import { compress, type Encoding, isCompressible, negotiate } from './compress.ts';
import { corsHeaders, securityHeaders } from './headers.ts';

/** The two routing lookups the edge needs; `@upstate/store`'s `Store` satisfies it. */
export interface EdgeStore {
  tenants: { getBySlug(slug: string): Promise<{ tenant: { id: string } } | undefined> };
  domains: { getVerifiedByDomain(domain: string): Promise<{ tenantId: string } | undefined> };
}

export interface EdgeOptions {
  s3: S3Client;
  bucket: string;
  /** Routing by the store: `{slug}.{platformDomain}` and verified custom domains. */
  store?: EdgeStore;
  /** Or routing by a function (host without port → tenant id, or null for 404). */
  resolveHost?: (host: string) => Promise<string | null>;
  /** Pages live at `{slug}.{platformDomain}`; `localhost` locally. */
  platformDomain?: string;
  /** The platform API's origin: the page's subscribe form may post there (CSP `form-action`). */
  formAction?: string;
  now?: () => number;
  /**
   * How long a resolved host → tenant is remembered (default 5 s). Misses are never remembered, so a
   * domain serves as soon as it is verified; a removed domain stops within this time.
   */
  hostCacheMs?: number;
}

export interface Edge {
  fetch(request: Request): Promise<Response>;
  /**
   * The CloudFront invalidation API, per tenant (what the publisher's invalidate step calls). One
   * cache serves every host of a tenant, and dropping entries twice is harmless, so it needs none of
   * the run's hosts or progress (a narrower `Invalidator`).
   */
  invalidator: { invalidate(tenantId: string, paths: string[]): Promise<void> };
  cache: EdgeCache;
  /** Serves on Node; rejects with the listen error (EADDRINUSE names the port). */
  listen(port: number, hostname?: string): Promise<{ port: number; close(): Promise<void> }>;
}

/** The host a request is for, lower-cased, without port or trailing dot. */
export function requestHost(request: Request): string {
  const raw = request.headers.get('host') ?? new URL(request.url).host;
  return raw.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/** Routes `{slug}.{platformDomain}` by slug and anything else as a custom domain (verified only). */
export function storeHostResolver(store: EdgeStore, platformDomain: string): (host: string) => Promise<string | null> {
  const suffix = `.${platformDomain}`;
  return async (host) => {
    if (host.endsWith(suffix)) {
      const slug = host.slice(0, -suffix.length);
      // Exactly core's rule, so the edge never looks up a slug no tenant can have.
      if (!TenantSlug.safeParse(slug).success) return null;
      return (await store.tenants.getBySlug(slug))?.tenant.id ?? null;
    }
    if (host === platformDomain || !host.includes('.')) return null;
    return (await store.domains.getVerifiedByDomain(host))?.tenantId ?? null;
  };
}

const plainNotFound = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not found</title></head>
<body><h1>Not found</h1><p>There is no status page at this address.</p></body></html>
`;

const sharedScope = 'shared';

/**
 * The local CloudFront: routes by Host, runs the deployed viewer-request function, reads S3, caches
 * by Cache-Control until invalidated, compresses, and adds the response-headers policy.
 * @example const edge = createEdge({ s3, bucket, store }); await edge.listen(8080)
 */
export function createEdge(options: EdgeOptions): Edge {
  const platformDomain = options.platformDomain ?? 'localhost';
  const lookup =
    options.resolveHost ??
    (options.store ? storeHostResolver(options.store, platformDomain) : async (_host: string) => null);
  const now = options.now ?? Date.now;
  const hostCacheMs = options.hostCacheMs ?? 5000;
  const hosts = new Map<string, { tenantId: string; until: number }>();
  async function resolveHost(host: string): Promise<string | null> {
    const known = hosts.get(host);
    if (known && known.until > now()) return known.tenantId;
    const tenantId = await lookup(host);
    if (tenantId && hostCacheMs > 0) {
      // Bounded: a flood of distinct Host headers cannot grow it without limit.
      if (hosts.size >= 10_000) hosts.clear();
      hosts.set(host, { tenantId, until: now() + hostCacheMs });
    } else hosts.delete(host);
    return tenantId;
  }
  const cache = new EdgeCache();

  /** The object and whether it came from the cache (`X-Cache`, `Age`, as CloudFront reports them). */
  async function load(key: string, s3Key: string): Promise<{ object: CachedObject; hit: boolean } | undefined> {
    const hit = cache.get(key, now());
    if (hit) return { object: hit, hit: true };
    const generation = cache.generation(key.slice(0, key.indexOf('|')));
    let res = await readObject(options.s3, options.bucket, s3Key);
    // s3rver writes an object's bytes before its metadata, so a read during an upload sees no
    // Content-Type (every upload of ours sets one; S3 itself is atomic). Wait for the upload to finish
    // rather than serve a torn object as application/octet-stream.
    for (let attempt = 0; res && !res.contentType && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      res = await readObject(options.s3, options.bucket, s3Key);
    }
    if (!res) return undefined;
    const { body } = res;
    const cacheControl = res.cacheControl ?? '';
    const entry: CachedObject = {
      body,
      contentType: res.contentType ?? 'application/octet-stream',
      cacheControl,
      etag: res.etag ?? `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
      status: 200,
      storedAt: now(),
      ttlMs: sharedTtlMs(cacheControl),
      variants: new Map(),
    };
    cache.set(key, entry, generation);
    return { object: entry, hit: false };
  }

  function respond(
    request: Request,
    uri: string,
    loaded: { object: CachedObject; hit: boolean },
    status: number,
    extra: Record<string, string>,
  ): Response {
    const { object, hit } = loaded;
    const headers = new Headers({
      'x-cache': hit ? 'Hit from upstate-edge' : 'Miss from upstate-edge',
      ...(hit ? { age: String(Math.max(0, Math.floor((now() - object.storedAt) / 1000))) } : {}),
      'content-type': object.contentType,
      'cache-control': object.cacheControl,
      etag: object.etag,
      vary: 'Accept-Encoding',
      ...extra,
      ...corsHeaders(uri),
    });
    const inm = request.headers.get('if-none-match');
    if (status === 200 && inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === object.etag)) {
      return new Response(null, { status: 304, headers });
    }
    let body = object.body;
    const encoding: Encoding = isCompressible(object.contentType, body.byteLength)
      ? negotiate(request.headers.get('accept-encoding'))
      : 'identity';
    if (encoding !== 'identity') {
      let variant = object.variants.get(encoding);
      if (!variant) {
        variant = compress(body, encoding);
        object.variants.set(encoding, variant);
      }
      body = variant;
      headers.set('content-encoding', encoding);
    }
    headers.set('content-length', String(body.byteLength));
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status, headers });
  }

  function plain(status: number, message: string, security: Record<string, string>, request: Request): Response {
    const body = status === 404 ? plainNotFound : `${message}\n`;
    return new Response(request.method === 'HEAD' ? null : body, {
      status,
      headers: {
        'content-type': status === 404 ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...security,
      },
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const https = url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
    const tenantId = await resolveHost(requestHost(request));
    if (!tenantId) return plain(404, 'Not found', securityHeaders({ https }), request);

    const rawUri = url.pathname;
    const security = securityHeaders({
      https,
      uri: rawUri,
      ...(options.formAction ? { formAction: options.formAction } : {}),
    });
    // The very function infra deploys decides the object key, refuses traversal attempts and
    // answers CORS preflights.
    const rewritten = await cloudFrontHandler({ request: { uri: rawUri, method: request.method } });
    if (request.method === 'OPTIONS' && rewritten.statusCode) {
      const answered = Object.fromEntries(Object.entries(rewritten.headers ?? {}).map(([k, v]) => [k, v.value]));
      return new Response(null, { status: rewritten.statusCode, headers: { ...security, ...answered } });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed\n', {
        status: 405,
        headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8', ...security },
      });
    }

    if (rewritten.statusCode || !rewritten.uri) {
      return plain(rewritten.statusCode ?? 400, 'Bad request', security, request);
    }
    const uri = rewritten.uri;
    const found = uri.startsWith('/assets/')
      ? await load(EdgeCache.key(sharedScope, uri), uri.slice(1))
      : await load(EdgeCache.key(tenantId, uri), siteKey(tenantId, uri.slice(1)));
    if (found) return respond(request, uri, found, 200, security);

    // CloudFront custom error response: the tenant's own 404 page, with status 404.
    const notFound = await load(EdgeCache.key(tenantId, '/404.html'), siteKey(tenantId, '404.html'));
    if (notFound) return respond(request, uri, notFound, 404, security);
    return plain(404, 'Not found', security, request);
  }

  const edge: Edge = {
    cache,
    async fetch(request) {
      try {
        return await handle(request);
      } catch (error) {
        // CloudFront answers 502 when the origin fails; say so without leaking internals.
        console.error(JSON.stringify({ level: 'error', message: 'edge origin error', error: String(error) }));
        const https = request.url.startsWith('https:') || request.headers.get('x-forwarded-proto') === 'https';
        return new Response('Bad gateway\n', {
          status: 502,
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'cache-control': 'no-store',
            ...securityHeaders({ https }),
          },
        });
      }
    },
    invalidator: {
      async invalidate(tenantId, paths) {
        cache.invalidate(tenantId, paths);
      },
    },
    listen(port, hostname = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server = serve({ fetch: edge.fetch, port, hostname }, (info: AddressInfo) => {
          server.off('error', reject);
          resolve({
            port: info.port,
            close: () =>
              new Promise<void>((r) => {
                server.close(() => r());
                (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              }),
          });
        });
        server.once('error', reject);
      });
    },
  };
  return edge;
}
