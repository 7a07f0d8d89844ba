import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// packages/services is the only writer of the store for every entry point (issue 13): no app
// source file calls a store write method itself. This is the route check of apps/api
// (`routes/routes.test.ts`) widened to every non-test, non-bench source file of apps/*, and stricter:
// a store method counts as a write unless its name says it reads, so a new write method is caught
// without anyone listing it here.
const readMethod =
  /^(get\w*|list\w*|require|has|count|peek|inRange|ranges|byMessageId|statusCredit|verifiedOwner|whichOf|waitSeconds)$/;

/** Store calls that are writes: `store.incidents.save(`, through an alias or a destructured repository. */
export function storeWritesIn(source: string): string[] {
  const found = new Set<string>();
  const add = (repo: string, method: string) => {
    if (!readMethod.test(method)) found.add(`store.${repo}.${method}`);
  };
  for (const m of source.matchAll(/\bstore\s*\.\s*(\w+)\s*\.\s*(\w+)\s*\(/g)) add(m[1] ?? '', m[2] ?? '');
  const aliases: [string, string][] = [];
  for (const m of source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*(?:\w+\.)?store\s*\.\s*(\w+)\s*;/g)) {
    aliases.push([m[1] ?? '', m[2] ?? '']);
  }
  for (const m of source.matchAll(/\b(?:const|let)\s*\{([^}]*)\}\s*=\s*(?:\w+\.)?store\s*;/g)) {
    for (const part of (m[1] ?? '').split(',')) {
      const [repo, alias] = part.split(':').map((x) => x.trim());
      if (repo) aliases.push([alias || repo, repo]);
    }
  }
  for (const [alias, repo] of aliases) {
    for (const m of source.matchAll(new RegExp(`\\b${alias}\\s*\\.\\s*(\\w+)\\s*\\(`, 'g'))) add(repo, m[1] ?? '');
  }
  return [...found].sort();
}

/**
 * What an app may write itself, call by call, and why. None of it is data a person or the page
 * asked to change, so none needs the use-case protocol (validate, write, audit, bump). An entry
 * that no longer matches a call fails the test too, so the list cannot go stale.
 */
const exemptions: Record<string, Record<string, string>> = {
  'apps/api/src/auth.ts': {
    'store.rateLimits.hit': 'per-principal rate limit counter, part of authenticating a request',
    'store.apiKeys.touchLastUsed': "a key's last-use time, at most once a minute, part of authenticating",
  },
  'apps/api/src/routes/public-subscriptions.ts': {
    'store.rateLimits.hit': 'the per-address limit on public sign-ups, checked before the use case',
  },
  'apps/api/src/idempotency.ts': {
    // The HTTP layer's record of a request: it is what gives a use case its operation id.
    'store.idempotency.claim': 'claims an Idempotency-Key',
    'store.idempotency.complete': 'stores the response a retry replays',
    'store.idempotency.release': 'hands the key back after a 5xx, keeping the operation id',
  },
  'apps/api/src/provisioning.ts': {
    // The retry queue of an AWS side effect (the CDN alias of a verified domain), not tenant data.
    'store.provisioning.recordFailure': 'queues a failed alias provisioning for a retry',
    'store.provisioning.resolve': 'drops the queued entry once provisioned or no longer wanted',
  },
  'apps/publisher/src/handlers.ts': {
    // The publish protocol itself (DESIGN: the flow, steps 1 and 5).
    'store.publish.acquireLease': "the tenant's publish lease",
    'store.publish.renewLease': "the tenant's publish lease",
    'store.publish.releaseLease': "the tenant's publish lease",
    'store.publish.commitPublished': 'publishedVersion, which only grows',
    'store.publish.markReconcileAttempt': "the reconciler's backoff per stale tenant",
  },
  'apps/notifier/src/handlers.ts': {
    'store.notifyEntries.complete': "the fan-out run's own bookkeeping: no later run takes the entries over",
  },
  'apps/local/src/seed.ts': {
    // The local demo only: its live part goes through the API, like any client.
    'store.rollups.addMinutes': '90 days of synthetic uptime history, which no use case produces',
    'store.apiKeys.create': 'reissues the demo key when its saved credentials were lost',
  },
  'apps/checker/src/testing.ts': {
    // Test support (a target server and fixtures), imported by tests only.
    'store.components.create': 'a fixture component',
    'store.monitors.create': 'a fixture monitor',
  },
};

const root = new URL('../../../', import.meta.url).pathname;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !/^bench/.test(entry.name)) {
      out.push(relative(root, path));
    }
  }
  return out;
}

const apps = readdirSync(join(root, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const files = apps.flatMap((app) => sources(join(root, 'apps', app, 'src')));

describe('apps change data only through packages/services', () => {
  it('scans every app', () => {
    expect(apps).toEqual(expect.arrayContaining(['api', 'checker', 'dashboard', 'local', 'notifier', 'publisher']));
    for (const app of apps)
      expect(
        files.some((f) => f.startsWith(`apps/${app}/`)),
        app,
      ).toBe(true);
  });

  it.each(files)('%s', (file) => {
    const writes = storeWritesIn(readFileSync(join(root, file), 'utf8'));
    const allowed = exemptions[file] ?? {};
    expect(writes.filter((w) => !(w in allowed))).toEqual([]);
    // An exemption must still be needed: a call moved behind a use case leaves the list.
    expect(Object.keys(allowed).filter((w) => !writes.includes(w))).toEqual([]);
  });

  it('every exempted file exists', () => {
    for (const file of Object.keys(exemptions)) expect(files, file).toContain(file);
  });

  it('the scan finds direct, aliased and destructured writes, and counts unknown methods as writes', () => {
    expect(storeWritesIn('await store.incidents.save(x); await store.components.list(t);')).toEqual([
      'store.incidents.save',
    ]);
    expect(storeWritesIn('await deps.store.rollups.creditMinutesOnce(a)')).toEqual(['store.rollups.creditMinutesOnce']);
    expect(storeWritesIn('const repo = deps.store.monitors;\nawait repo.recordRun(m); await repo.get(t, i);')).toEqual([
      'store.monitors.recordRun',
    ]);
    expect(
      storeWritesIn('const { publish, tenants: t } = store;\npublish.bumpContentVersion(x); t.listIds();'),
    ).toEqual(['store.publish.bumpContentVersion']);
  });
});
