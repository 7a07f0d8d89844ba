export interface CachedObject {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
  etag: string;
  status: number;
  storedAt: number;
  ttlMs: number;
  variants: Map<string, Uint8Array>;
}

/** Shared-cache lifetime from Cache-Control, as a CDN reads it (s-maxage wins over max-age). */
export function sharedTtlMs(cacheControl: string): number {
  const directives = cacheControl.toLowerCase();
  if (/(^|,)\s*(no-store|private|no-cache)\b/.test(directives)) return 0;
  const s = /s-maxage=(\d+)/.exec(directives);
  const m = /max-age=(\d+)/.exec(directives);
  const seconds = s ? Number(s[1]) : m ? Number(m[1]) : 0;
  return seconds * 1000;
}

/** The in-memory CloudFront stand-in cache: per tenant, keyed by the rewritten URI. */
export class EdgeCache {
  readonly entries = new Map<string, CachedObject>();
  hits = 0;
  misses = 0;

  static key(scope: string, uri: string): string {
    return `${scope}|${uri}`;
  }

  get(key: string, now: number): CachedObject | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.storedAt < entry.ttlMs) {
      this.hits++;
      return entry;
    }
    if (entry) this.entries.delete(key);
    this.misses++;
    return undefined;
  }

  /** Raised by every invalidation of a scope; a fetch that started before it must not be cached. */
  private readonly generations = new Map<string, number>();

  generation(scope: string): number {
    return this.generations.get(scope) ?? 0;
  }

  /**
   * Stores an origin answer, unless the scope was invalidated while it was being fetched: that
   * answer may be older than the invalidation, and caching it would serve stale content until its TTL.
   */
  set(key: string, entry: CachedObject, fetchedInGeneration?: number): void {
    const scope = key.slice(0, key.indexOf('|'));
    if (fetchedInGeneration !== undefined && fetchedInGeneration !== this.generation(scope)) return;
    if (entry.ttlMs > 0) this.entries.set(key, entry);
  }

  /** CloudFront semantics: exact paths, or a trailing `*` as a prefix wildcard; one tenant only. */
  invalidate(scope: string, paths: string[]): number {
    this.generations.set(scope, this.generation(scope) + 1);
    let removed = 0;
    for (const path of paths) {
      if (!path.endsWith('*')) {
        if (this.entries.delete(EdgeCache.key(scope, path))) removed++;
        continue;
      }
      const prefix = EdgeCache.key(scope, path.slice(0, -1));
      for (const key of [...this.entries.keys()]) {
        if (key.startsWith(prefix)) {
          this.entries.delete(key);
          removed++;
        }
      }
    }
    return removed;
  }
}
