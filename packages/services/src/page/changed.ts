import type { ServiceDeps } from '../deps.ts';

/**
 * Asks for a publish of `version`: retried briefly, then left to the reconciler (the tenant is in the
 * STALE index until published), so a failing trigger never fails the write that already happened.
 */
export async function requestPublish(deps: ServiceDeps, tenantId: string, version: number): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await deps.publishTrigger.requestPublish(tenantId, version);
      return;
    } catch (error) {
      deps.log('publish trigger failed', { tenantId, version, attempt, error: String(error) });
      await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }
}

/**
 * The one "page changed": bumps the tenant's content version, then triggers a publish. For writers
 * whose own writes are each complete and safe to republish (the checker's automatic status); use
 * cases with several writes go through `changePage`, which also covers a crash in between.
 * @example await pageChanged(deps, tenantId)
 */
export async function pageChanged(deps: ServiceDeps, tenantId: string): Promise<number> {
  const version = await deps.store.publish.bumpContentVersion(tenantId);
  await requestPublish(deps, tenantId, version);
  return version;
}
