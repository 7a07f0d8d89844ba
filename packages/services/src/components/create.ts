import { AppError, type ComponentStatus, utcDay } from '@upstate/core';
import type { StoredComponent } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, operationIdOf } from '../operation.ts';
import { changePage } from '../page/change.ts';

export const maxComponents = 200;

export interface CreateComponentInput {
  name: string;
  description?: string | null | undefined;
  groupId?: string | null | undefined;
  position?: number | undefined;
  status?: ComponentStatus | undefined;
  onlyShowIfDegraded?: boolean | undefined;
  showUptime?: boolean | undefined;
  startDate?: string | undefined;
}

/** A group id given by a client must name a group of the same tenant. */
export async function assertGroup(deps: ServiceDeps, tenantId: string, groupId: string | null | undefined) {
  if (groupId && !(await deps.store.groups.get(tenantId, groupId))) {
    throw new AppError('validation_failed', 'Unknown component group', { field: 'groupId' });
  }
}

/**
 * Creates a component. Validates the group and the per-page cap first. Writes: marker, component
 * (its id is the operation id), audit event, bump. A stop after the component: the reconciler
 * publishes it; a retry under the same Idempotency-Key finds it by id and only finishes.
 */
export async function createComponent(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateComponentInput,
): Promise<StoredComponent> {
  const operationId = operationIdOf(actor, deps);
  const existing = await deps.store.components.get(actor.tenantId, operationId);
  let component = existing;
  if (!component) {
    await assertGroup(deps, actor.tenantId, input.groupId);
    const all = await deps.store.components.list(actor.tenantId);
    if (all.length >= maxComponents) {
      throw new AppError('validation_failed', `A page holds at most ${maxComponents} components`, { field: 'name' });
    }
    const at = deps.now().toISOString();
    component = {
      id: operationId,
      tenantId: actor.tenantId,
      groupId: input.groupId ?? null,
      name: input.name,
      description: input.description ?? null,
      position: input.position ?? all.length,
      status: input.status ?? 'operational',
      // Only a status given by hand holds against monitors; the default is the monitors' to change.
      statusSource: input.status ? 'manual' : 'monitor',
      onlyShowIfDegraded: input.onlyShowIfDegraded ?? false,
      showUptime: input.showUptime ?? true,
      startDate: input.startDate ?? utcDay(deps.now()),
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
  }
  const made = component;
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const stored = existing ?? (await write(() => deps.store.components.create(made)));
    await write(() =>
      audit(deps, actor, operationId, 'component.created', { type: 'component', id: stored.id }, { name: stored.name }),
    );
    return stored;
  });
}
