import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Routes are thin: validate, call a use case, map to HTTP. Every change of data goes through
// packages/services, so no route file calls a store write method (nor the writing helpers of
// RouteDeps). Reads (`get`, `require`, `list…`) stay in routes.
const writeMethod =
  /^(create|save|put|delete|remove|revoke|append|update\w*|set\w*|add\w*|record\w*|bump\w*|claim\w*|commit\w*|begin\w*|end\w*|mark\w*|release\w*|complete|recordRun)$/;

// Files whose routes still write the store directly while their move is in flight; none left. Each
// entry would be one call, removed when that route moves to a use case.
const pending: Record<string, string[]> = {};

/** Store write calls (`store.incidents.save(`, also through an alias of a repository) and RouteDeps writers. */
export function writesIn(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/\bstore\s*\.\s*(\w+)\s*\.\s*(\w+)\s*\(/g)) {
    if (writeMethod.test(m[2] ?? '')) found.add(`store.${m[1]}.${m[2]}`);
  }
  for (const alias of source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*(?:deps\.)?store\s*\.\s*(\w+)\s*;/g)) {
    for (const m of source.matchAll(new RegExp(`\\b${alias[1]}\\s*\\.\\s*(\\w+)\\s*\\(`, 'g'))) {
      if (writeMethod.test(m[1] ?? '')) found.add(`store.${alias[2]}.${m[1]}`);
    }
  }
  for (const m of source.matchAll(/\bdeps\s*\.\s*(audit|pageChanged)\s*\(/g)) found.add(`deps.${m[1]}`);
  return [...found].sort();
}

describe('route files', () => {
  const dir = new URL('./', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it.each(files)('%s changes data only through use cases', (file) => {
    const writes = writesIn(readFileSync(new URL(file, dir), 'utf8'));
    expect(writes.filter((w) => !(pending[file] ?? []).includes(w))).toEqual([]);
  });

  it('the check finds direct and aliased writes', () => {
    expect(writesIn('await store.incidents.save(next); await store.components.list(t);')).toEqual([
      'store.incidents.save',
    ]);
    expect(writesIn('const repo = store.monitors;\nawait repo.updateSettings(a);')).toEqual([
      'store.monitors.updateSettings',
    ]);
    expect(writesIn('await deps.pageChanged(p.tenantId)')).toEqual(['deps.pageChanged']);
  });
});
