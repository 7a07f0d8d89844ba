import type { Log } from '@upstate/core';
import { mapPool } from '@upstate/services/pool';
import { creditStatusTime, type StatusCreditResult } from '@upstate/services/uptime/credit-status';
import type { Store } from '@upstate/store';

/**
 * One tenant's status credit (`uptime/credit-status` in packages/services, which states its crash
 * behaviour), with the checker's arguments; the cost model in infra measures it through this.
 */
export function creditTenantStatusTime(
  store: Store,
  tenantId: string,
  at: Date,
  options: { maxCreditMs: number; log: Log },
): Promise<StatusCreditResult> {
  return creditStatusTime({ store, log: options.log }, tenantId, at, options);
}

/**
 * Walks the tenant directory a page at a time, crediting each tenant's status time, until the
 * directory is done or `outOfTime()`. Where a run stops (budget) the next run of this process
 * resumes, wrapping round, so every tenant is reached; a skipped tenant's next span is just longer.
 */
export function statusCreditor(deps: {
  store: Store;
  concurrency: number;
  maxCreditMs: number;
  log: Log;
  pageSize?: number;
}) {
  const pageSize = deps.pageSize ?? 200;
  // Process-local: a cold start begins at the first tenant, which only reorders the walk.
  let resumeAfter: string | null = null;

  return async function creditAll(at: Date, outOfTime: () => boolean): Promise<{ tenants: number; minutes: number }> {
    const origin = resumeAfter;
    let after = origin;
    // First leg: after `origin` to the end; second leg (when origin is set): the start up to origin.
    let secondLeg = false;
    let tenants = 0;
    let minutes = 0;
    for (;;) {
      if (outOfTime()) {
        resumeAfter = after;
        break;
      }
      const page = await deps.store.tenants.listIdsPage(after, pageSize);
      const ids = secondLeg && origin !== null ? page.ids.filter((id) => id <= origin) : page.ids;
      const results = await mapPool(ids, deps.concurrency, async (tenantId) => {
        if (outOfTime()) return null;
        try {
          return await creditTenantStatusTime(deps.store, tenantId, at, deps);
        } catch (error) {
          // Nothing claimed or a partial credit: the watermark tells the next run where to go on.
          deps.log('status credit failed', { tenantId, error: String(error) });
          return { claimed: false, minutes: 0 };
        }
      });
      for (const r of results) {
        if (r?.claimed) tenants++;
        minutes += r?.minutes ?? 0;
      }
      // Workers take tenants in order and the budget only runs out, so the skipped ones are a suffix.
      const skipped = results.indexOf(null);
      if (skipped >= 0) {
        resumeAfter = skipped === 0 ? after : (ids[skipped - 1] ?? after);
        break;
      }
      after = page.ids.at(-1) ?? after;
      if (page.more && ids.length === page.ids.length) continue;
      if (!secondLeg && origin !== null) {
        secondLeg = true;
        after = null;
        continue;
      }
      resumeAfter = null;
      break;
    }
    return { tenants, minutes };
  };
}
