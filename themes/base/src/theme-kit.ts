import { readFileSync } from 'node:fs';
import type { TenantSnapshot } from '@upstate/core';
import { historyPageCount } from './view.ts';

// Helpers every theme's pages use. In the server build (the fast path) the snapshot arrives in
// `Astro.locals`; in a full static `astro build` (equivalence test, CLI fallback) it is read
// from the JSON file named by UPSTATE_SNAPSHOT.

let staticSnapshot: TenantSnapshot | undefined;

export function loadStaticSnapshot(): TenantSnapshot {
  if (!staticSnapshot) {
    const file = process.env.UPSTATE_SNAPSHOT;
    if (!file) throw new Error('UPSTATE_SNAPSHOT must name a snapshot JSON file for a static build');
    staticSnapshot = JSON.parse(readFileSync(file, 'utf8')) as TenantSnapshot;
  }
  return staticSnapshot;
}

export function getSnapshot(locals: { snapshot?: TenantSnapshot } | undefined): TenantSnapshot {
  return locals?.snapshot ?? loadStaticSnapshot();
}

export const staticPaths = {
  incidents: () => loadStaticSnapshot().incidents.map((i) => ({ params: { id: i.id } })),
  maintenance: () => loadStaticSnapshot().maintenances.map((m) => ({ params: { id: m.id } })),
  history: () =>
    Array.from({ length: Math.max(0, historyPageCount(loadStaticSnapshot()) - 1) }, (_, i) => ({
      params: { page: String(i + 2) },
    })),
};
