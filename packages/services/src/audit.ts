import type { AuditEvent } from '@upstate/store';
import type { ServiceDeps } from './deps.ts';
import { type Actor, derivedId, operationTime } from './operation.ts';

/** The audit event an operation records: its id and time derive from the operation id, so it is one event however often written. */
export function auditEventOf(
  actor: Actor,
  operationId: string,
  action: string,
  target: { type: string; id: string },
  detail: Record<string, unknown> = {},
): AuditEvent {
  return {
    tenantId: actor.tenantId,
    author: actor.author,
    action,
    target,
    detail,
    at: operationTime(operationId),
    id: derivedId(operationId, `audit:${action}:${target.type}:${target.id}`),
  };
}

/**
 * Records an audit event after the change it describes is stored. The event's id and time derive
 * from the operation id (a ULID made when the request first arrived), so a retry records it once.
 */
export async function audit(
  deps: ServiceDeps,
  actor: Actor,
  operationId: string,
  action: string,
  target: { type: string; id: string },
  detail: Record<string, unknown> = {},
): Promise<void> {
  await deps.store.audit.append(auditEventOf(actor, operationId, action, target, detail));
}
