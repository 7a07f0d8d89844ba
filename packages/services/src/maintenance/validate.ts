import { AppError } from '@upstate/core';
import type { ServiceDeps } from '../deps.ts';

/** A window that ends after it starts, over components of the tenant. */
export async function validateMaintenance(
  deps: ServiceDeps,
  tenantId: string,
  m: { scheduledFor: string; scheduledUntil: string; componentIds: readonly string[] },
): Promise<void> {
  if (Date.parse(m.scheduledUntil) <= Date.parse(m.scheduledFor)) {
    throw new AppError('validation_failed', 'scheduledUntil must be after scheduledFor', { field: 'scheduledUntil' });
  }
  const known = new Set((await deps.store.components.list(tenantId)).map((c) => c.id));
  m.componentIds.forEach((id, i) => {
    if (!known.has(id))
      throw new AppError('validation_failed', `Unknown component ${id}`, { field: `componentIds.${i}` });
  });
}
