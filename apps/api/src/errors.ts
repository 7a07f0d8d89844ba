import { z } from '@hono/zod-openapi';
import { AppError, type ErrorCode, isAppError } from '@upstate/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Env } from './context.ts';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      field: z.string().optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

/** The first issue of a zod error as an AppError naming the field. */
export function fromZodError(error: ZodError, prefix?: string): AppError {
  const issue = error.issues[0];
  const path = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(String)];
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new AppError('unknown_field', `Unknown field "${[...path, key].join('.')}"`, {
      field: [...path, key].join('.'),
    });
  }
  const field = path.join('.') || undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'Invalid request';
  return new AppError('validation_failed', message, field ? { field } : {});
}

export function errorResponse(c: Context<Env>, error: AppError) {
  if (error.retryAfter !== undefined) c.header('Retry-After', String(error.retryAfter));
  return c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.field ? { field: error.field } : {}),
        requestId: c.get('requestId') ?? 'unknown',
      },
    },
    error.status as ContentfulStatusCode,
  );
}

const httpCodes: Record<number, ErrorCode> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The one place errors become HTTP responses. Anything unexpected is a logged 500 with no detail. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof HTTPException) {
    if (error.status === 400) {
      return new AppError('invalid_json', 'The request body is not valid JSON', { field: 'body' });
    }
    const code = httpCodes[error.status];
    if (code) return new AppError(code, error.message || code);
  }
  return new AppError('internal', 'Something went wrong on our side; the request was not applied');
}
