/** Every failure the platform reports to a client. Mapped to HTTP exactly once, at the API edge. */
export const errorCodes = {
  validation_failed: 400,
  invalid_json: 400,
  unknown_field: 400,
  invalid_transition: 409,
  invalid_cursor: 400,
  unauthorized: 401,
  two_factor_required: 401,
  invalid_token: 400,
  email_unverified: 403,
  forbidden: 403,
  /** A login whose every tenant was deleted: it may accept an invite, nothing else. */
  no_team: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_large: 422,
  /** An import source that is not a public https URL. */
  source_refused: 400,
  /** An import source that did not answer, or not with Statuspage v2 JSON. */
  source_unreachable: 422,
  source_invalid: 422,
  /** A per-tenant cap (monitors) is reached; nothing was written. */
  quota_exceeded: 422,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface AppErrorOptions {
  /** The offending input field, as a dotted path (e.g. `components.0.status`). */
  field?: string;
  /** Seconds the client should wait (rate limiting). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error type of the platform.
 * @example throw new AppError('not_found', 'Incident not found')
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code];
    this.field = options.field;
    this.retryAfter = options.retryAfter;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, field?: string) =>
  new AppError('conflict', message, field === undefined ? {} : { field });
export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
