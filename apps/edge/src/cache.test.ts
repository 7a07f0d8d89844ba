import { describe, expect, it } from 'vitest';
import { type CachedObject, EdgeCache } from './cache.ts';

const object = (text: string): CachedObject => ({
  body: new TextEncoder().encode(text),
  contentType: 'text/html',
  cacheControl: 'public, s-maxage=300',
  etag: `"${text}"`,
  status: 200,
  storedAt: 0,
  ttlMs: 300_000,
  variants: new Map(),
});

describe('EdgeCache', () => {
  it('drops an origin answer fetched across an invalidation of its tenant, so it cannot serve stale', () => {
    // Prepare: a miss starts fetching the old page
    const cache = new EdgeCache();
    const key = EdgeCache.key('t1', '/index.html');
    const startedIn = cache.generation('t1');
    // Act: the publisher uploads and invalidates before the fetch returns, then the old answer lands
    cache.invalidate('t1', ['/index.html']);
    cache.set(key, object('old'), startedIn);
    // Assess: nothing cached; the next request goes to the origin and gets the new page
    expect(cache.get(key, 1)).toBeUndefined();
    cache.set(key, object('new'), cache.generation('t1'));
    expect(new TextDecoder().decode(cache.get(key, 1)?.body)).toBe('new');
  });

  it('keeps a fetch of one tenant when another tenant is invalidated', () => {
    const cache = new EdgeCache();
    const startedIn = cache.generation('t1');
    cache.invalidate('t2', ['/*']);
    cache.set(EdgeCache.key('t1', '/index.html'), object('page'), startedIn);
    expect(cache.get(EdgeCache.key('t1', '/index.html'), 1)).toBeDefined();
  });
});
