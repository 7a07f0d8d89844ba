import { AppError, type Author, isAppError, newId } from '@upstate/core';
import type { ServiceDeps } from './deps.ts';

/** Who asks for a change, and under which operation (the same id on every retry of one request). */
export interface Actor {
  tenantId: string;
  author: Author;
  /** From the Idempotency-Key (kept across retries of a failed attempt); a fresh id when absent. */
  operationId?: string;
  /**
   * This operation retries an attempt that failed after passing validation. A delete that finds its
   * target gone then finishes (audit, publish) instead of answering 404: the failed attempt deleted it.
   */
  resumed?: boolean;
}

export const operationIdOf = (actor: Actor, deps: ServiceDeps) => actor.operationId ?? newId(deps.now().getTime());

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An id derived from an operation id and a label: the same on every retry of the operation, so what
 * a retry writes again is recognised as already there. Keeps the operation's ULID time prefix, so
 * derived ids still sort by creation time.
 */
export function derivedId(operationId: string, label: string): string {
  let out = operationId.slice(0, 10);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const text = `${operationId}:${label}`;
  for (let round = 0; out.length < 26; round++) {
    for (let i = 0; i < text.length; i++) {
      h1 = Math.imul(h1 ^ text.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ (text.charCodeAt(i) + round), 2246822519) >>> 0;
    }
    out += alphabet.charAt(h1 % 32) + alphabet.charAt(h2 % 32);
  }
  return out.slice(0, 26);
}

/** The creation time of an operation id (a ULID), as an ISO instant. */
export function operationTime(operationId: string): string {
  let ms = 0;
  for (const ch of operationId.slice(0, 10)) {
    const digit = alphabet.indexOf(ch.toUpperCase());
    if (digit < 0) return new Date(0).toISOString();
    ms = ms * 32 + digit;
  }
  return new Date(ms).toISOString();
}

/** A store conflict on `version`: someone else wrote first. Retried by appends, never shown to a client that sent no version. */
export const isRace = (error: unknown) => isAppError(error) && error.code === 'conflict' && error.field === 'version';

/**
 * Runs `attempt` again when it lost an optimistic-concurrency race, with full-jitter exponential
 * backoff, at most `attempts` times. Appends use it: a client that sent no version never gets 409
 * because someone else wrote first (50 concurrent appends to one incident all land).
 */
export async function retryRaces<T>(
  attempt: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; capMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 40;
  const baseMs = options.baseMs ?? 5;
  const capMs = options.capMs ?? 200;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRace(error) || n >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(capMs, baseMs * 2 ** n)));
    }
  }
}

/** `If-Match` given and stale: the documented 409 for a client that sent an expected version. */
export function assertVersion(current: { version: number }, expected: number | undefined, what: string): void {
  if (expected !== undefined && current.version !== expected) {
    throw new AppError(
      'conflict',
      `The ${what} changed since you loaded it (version ${current.version}); reload and try again`,
      {
        field: 'If-Match',
      },
    );
  }
}

/** A lost race under a client's If-Match is the same stale-version answer. */
export function asIfMatchConflict(error: unknown, expected: number | undefined): unknown {
  if (expected !== undefined && isRace(error)) {
    return new AppError('conflict', (error as AppError).message, { field: 'If-Match', cause: error });
  }
  return error;
}
