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

  set(key: string, entry: CachedObject): void {
    if (entry.ttlMs > 0) this.entries.set(key, entry);
  }

  /** CloudFront semantics: exact paths, or a trailing `*` as a prefix wildcard; one tenant only. */
  invalidate(scope: string, paths: string[]): number {
    let removed = 0;
    for (const path of paths) {
      const prefix = EdgeCache.key(scope, path.endsWith('*') ? path.slice(0, -1) : path);
      for (const key of [...this.entries.keys()]) {
        if (path.endsWith('*') ? key.startsWith(prefix) : key === prefix) {
          this.entries.delete(key);
          removed++;
        }
      }
    }
    return removed;
  }
}
