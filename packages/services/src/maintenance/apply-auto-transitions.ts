import { applyMaintenanceAutoTransitions, isAppError, type Maintenance, newId } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';
import { changePage } from '../page/change.ts';

/**
 * Applies due automatic starts and ends (the scheduler, and a read that finds one due). Per tenant:
 * marker, each maintenance (conditional on its version; a lost race means a person or another run
 * changed it, and they publish it), bump. A stop midway: the marker has the reconciler publish what
 * was saved; the rest stays in the due queue for the next run. Returns the maintenance as it now is.
 */
export async function applyDueMaintenanceTransitions(
  deps: ServiceDeps,
  due: readonly Maintenance[],
): Promise<{ applied: number; tenants: string[]; maintenances: Maintenance[] }> {
  const at = deps.now();
  let applied = 0;
  const tenants: string[] = [];
  const out = new Map<string, Maintenance>(due.map((m) => [`${m.tenantId}/${m.id}`, m]));
  for (const [tenantId, list] of Map.groupBy(due, (m) => m.tenantId)) {
    const changes = list.map((m) => [m, applyMaintenanceAutoTransitions(m, at)] as const).filter(([m, n]) => n !== m);
    if (changes.length === 0) continue;
    const before = applied;
    await changePage(deps, tenantId, newId(at.getTime()), async (write) => {
      for (const [m, next] of changes) {
        try {
          await write(() => deps.store.maintenances.save(next));
          out.set(`${tenantId}/${m.id}`, next);
          applied++;
        } catch (error) {
          if (!(isAppError(error) && error.code === 'conflict')) throw error;
          deps.log('maintenance transition not applied', { tenantId, id: m.id, error: String(error) });
        }
      }
    });
    if (applied > before) tenants.push(tenantId);
  }
  return { applied, tenants, maintenances: [...out.values()] };
}

/** Loads one maintenance with its due automatic transition applied (and stored). */
export async function loadMaintenance(deps: ServiceDeps, tenantId: string, id: string): Promise<Maintenance> {
  const stored = await deps.store.maintenances.require(tenantId, id);
  if (applyMaintenanceAutoTransitions(stored, deps.now()) === stored) return stored;
  await applyDueMaintenanceTransitions(deps, [stored]);
  return deps.store.maintenances.require(tenantId, id);
}
