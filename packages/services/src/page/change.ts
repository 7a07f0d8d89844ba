import { isAppError } from '@upstate/core';
import type { AuditEvent } from '@upstate/store';
import type { ServiceDeps } from '../deps.ts';
import { isRace } from '../operation.ts';
import { requestPublish } from './changed.ts';

/** Wraps each store write of a use case, so the first one is preceded by the in-flight marker. */
export type Write = <T>(write: () => Promise<T>) => Promise<T>;

/**
 * Runs a use case's writes so that none is ever left unpublished (invariant 3):
 * 1. before the first write, an in-flight marker on the tenant's publish state (`beginWrite`) puts
 *    the tenant in the reconciler's STALE index;
 * 2. the writes;
 * 3. after the last, one write clears the marker and bumps contentVersion, then a publish starts.
 * A write that throws still ends with step 3 (a bump, unless nothing was written: a lost race or a
 * refused condition), and a process that dies before step 3 leaves the marker: the reconciler
 * settles it with a bump once it is older than any request can run (`abandonedWriteMs`). A plain
 * bump before the first write would not do: a publish running meanwhile would commit that version
 * without the writes that follow it.
 *
 * A delete passes its audit event (`deleteAudit`), which the marker carries: when the delete fails
 * after its first write (or with an error that is not a refusal), the marker is left for the reconciler, which records the event once it
 * finds the target gone (and drops it otherwise). So a delete that happened is audited even if its
 * own audit write never came, whether or not the client retries. `pageChanges: false` (a monitor,
 * a subscriber, a key) ends without a bump.
 */
export async function changePage<T>(
  deps: ServiceDeps,
  tenantId: string,
  operationId: string,
  body: (write: Write) => Promise<T>,
  options: { deleteAudit?: AuditEvent; pageChanges?: boolean } = {},
): Promise<T> {
  const pageChanges = options.pageChanges ?? true;
  let begun = false;
  let wrote = false;
  const write: Write = async (fn) => {
    if (!begun) {
      await deps.store.publish.beginWrite(tenantId, operationId, options.deleteAudit);
      begun = true;
    }
    const result = await fn();
    wrote = true;
    return result;
  };
  let result: T;
  try {
    result = await body(write);
  } catch (error) {
    if (begun) {
      // Unless the store refused the only write outright, some of it may be stored: publish it.
      const changed = wrote || !isRace(error);
      // A refusal (an AppError) before any write means the delete did not happen: end as usual.
      if (options.deleteAudit && (wrote || !isAppError(error))) {
        deps.log('delete left for the reconciler', { tenantId, operationId, error: String(error) });
        throw error;
      }
      await deps.store.publish
        .endWrite(tenantId, operationId, changed && pageChanges)
        .then((version) => (version === null ? undefined : requestPublish(deps, tenantId, version)))
        .catch((endError: unknown) =>
          deps.log('write left for the reconciler', { tenantId, operationId, error: String(endError) }),
        );
    }
    throw error;
  }
  if (begun) {
    // Every write of the body may have lost its race (and been skipped): then nothing changed.
    const version = await deps.store.publish.endWrite(tenantId, operationId, wrote && pageChanges);
    if (version !== null) await requestPublish(deps, tenantId, version);
  }
  return result;
}
