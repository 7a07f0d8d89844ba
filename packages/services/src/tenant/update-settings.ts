import { AppError, type Branding, checkBrandColor } from '@upstate/core';
import type { TenantRecord } from '@upstate/store';
import { audit } from '../audit.ts';
import type { ServiceDeps } from '../deps.ts';
import { type Actor, asIfMatchConflict, assertVersion, operationIdOf, retryRaces } from '../operation.ts';
import { changePage } from '../page/change.ts';

export interface UpdateTenantInput {
  name?: string | undefined;
  timezone?: string | undefined;
  branding?: Partial<Branding> | undefined;
  /** Store the suggested colour when the brand colour fails WCAG AA contrast, instead of refusing it. */
  acceptAdjustedColor?: boolean | undefined;
}

/**
 * Name, timezone and branding. The brand colour is checked before any write. Without an expected
 * version the sent fields apply to the current version (a race reloads and re-applies them); with
 * one, a stale version is a 409. Writes: marker, tenant, audit, bump; a retry re-applies the fields.
 */
export async function updateTenantSettings(
  deps: ServiceDeps,
  actor: Actor,
  input: UpdateTenantInput,
  expectedVersion?: number,
): Promise<TenantRecord> {
  const operationId = operationIdOf(actor, deps);
  let brandColor = input.branding?.brandColor;
  if (brandColor) {
    const check = checkBrandColor(brandColor);
    if (!check.ok) {
      if (!input.acceptAdjustedColor) {
        throw new AppError('validation_failed', check.message ?? 'Insufficient contrast', {
          field: 'branding.brandColor',
        });
      }
      brandColor = check.suggestion ?? brandColor;
    }
  }
  return changePage(deps, actor.tenantId, operationId, async (write) => {
    const updated = await retryRaces(
      async () => {
        const current = await deps.store.tenants.require(actor.tenantId);
        assertVersion(current, expectedVersion, 'tenant');
        const branding = { ...current.branding, ...input.branding, ...(brandColor ? { brandColor } : {}) };
        try {
          return await write(() =>
            deps.store.tenants.update(actor.tenantId, current.version, {
              tenant: { name: input.name ?? current.tenant.name, timezone: input.timezone ?? current.tenant.timezone },
              branding,
            }),
          );
        } catch (error) {
          throw asIfMatchConflict(error, expectedVersion);
        }
      },
      expectedVersion === undefined ? {} : { attempts: 1 },
    );
    await write(() =>
      audit(
        deps,
        actor,
        operationId,
        'tenant.updated',
        { type: 'tenant', id: actor.tenantId },
        { fields: Object.keys(input) },
      ),
    );
    return updated;
  });
}
