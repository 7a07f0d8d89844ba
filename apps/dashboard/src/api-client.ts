import type { UpstateApp } from '@upstate/api';
import type { Context } from 'hono';

export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T; setCookies: string[] }
  | { ok: false; status: number; error: ApiError; setCookies: string[] };

/**
 * Calls the management API in-process as the browser's user: the session cookie is forwarded and,
 * for writes, the CSRF token the form carried. Validation, audit, idempotency and publishing are
 * therefore exactly the API's.
 */
export async function callApi<T>(
  api: UpstateApp,
  c: Context,
  method: string,
  path: string,
  options: { body?: unknown; csrf?: string; idempotencyKey?: string } = {},
): Promise<ApiResult<T>> {
  const headers = new Headers({ accept: 'application/json' });
  const cookie = c.req.header('cookie');
  if (cookie) headers.set('cookie', cookie);
  if (options.csrf !== undefined) headers.set('x-csrf-token', options.csrf);
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (options.idempotencyKey) headers.set('idempotency-key', options.idempotencyKey);
  // Same origin as the dashboard request, so URLs the API builds (heartbeat links) point at this host.
  const url = new URL(path, c.req.url);
  const res = await api.request(
    new Request(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
  const setCookies = res.headers.getSetCookie();
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (res.ok) return { ok: true, status: res.status, data: parsed as T, setCookies };
  const error = (parsed as { error?: ApiError } | null)?.error ?? {
    code: 'internal',
    message: 'Something went wrong; nothing was changed.',
  };
  return { ok: false, status: res.status, error, setCookies };
}
