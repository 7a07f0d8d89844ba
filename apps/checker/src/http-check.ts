import type { HttpMonitorConfig } from '@upstate/core';
import { RefusedTarget, type TargetPolicy, vetTarget } from '@upstate/egress/ssrf';
import type { Transport } from '@upstate/egress/transport';

export interface CheckOutcome {
  result: 'up' | 'degraded' | 'down';
  latencyMs: number | null;
  statusCode: number | null;
  error: string | null;
  /**
   * Why the target was refused, for the operator log only: it says how a name resolves inside the
   * platform (`intranet → 10.x is a private address`). The tenant sees `targetNotAllowed`.
   */
  refusal?: string;
}

/** What a tenant sees for a refused target; the reason goes to the operator log. */
export const targetNotAllowed = 'target not allowed';

export const maxRedirects = 5;
/** How much of a body is searched for the keyword. */
export const maxBodyBytes = 1024 * 1024;
export const userAgent = 'Upstate-Monitor/1 (+status page uptime check)';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function reasonOf(error: unknown, timeoutMs: number, signal: AbortSignal): string {
  if (signal.aborted) return `timeout after ${timeoutMs} ms`;
  const e = error as { code?: string; cause?: { code?: string }; message?: string };
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'host not found';
  return (code ? `${code}: ${e.message ?? ''}` : (e.message ?? String(error))).slice(0, 500);
}

/**
 * One HTTP(S) check: vets the target (and every redirect hop) against the SSRF policy, then judges
 * status range, keyword and latency. Never throws: every failure is a `down` outcome with its reason.
 */
export async function runHttpCheck(
  config: HttpMonitorConfig,
  deps: { transport: Transport; policy: TargetPolicy },
): Promise<CheckOutcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(config.timeoutMs);
  let method: string = config.method;
  let headers: Record<string, string> = { 'user-agent': userAgent, ...lowerKeys(config.headers) };
  try {
    let url = new URL(config.url);
    for (let hop = 0; ; hop++) {
      const address = await raceAbort(vetTarget(url, deps.policy), signal);
      const res = await deps.transport({ url, method, headers, address, signal, maxBodyBytes });
      const latencyMs = Math.round(performance.now() - started);
      if (config.followRedirects && redirectStatuses.has(res.status) && res.location) {
        if (hop >= maxRedirects) return down(latencyMs, res.status, `more than ${maxRedirects} redirects`);
        const next = new URL(res.location, url);
        if (next.origin !== url.origin) {
          // Any header the tenant set may be a credential (X-Api-Key…): none follows to another origin.
          headers = { 'user-agent': userAgent };
        }
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) method = 'GET';
        url = next;
        continue;
      }
      if (res.status < config.expectedStatus.min || res.status > config.expectedStatus.max) {
        return down(
          latencyMs,
          res.status,
          `status ${res.status} outside ${config.expectedStatus.min}-${config.expectedStatus.max}`,
        );
      }
      if (config.keyword !== null && !res.body.includes(config.keyword)) {
        return down(latencyMs, res.status, 'keyword not found');
      }
      if (latencyMs > config.degradedThresholdMs) {
        return {
          result: 'degraded',
          latencyMs,
          statusCode: res.status,
          error: `slow: ${latencyMs} ms > ${config.degradedThresholdMs} ms`,
        };
      }
      return { result: 'up', latencyMs, statusCode: res.status, error: null };
    }
  } catch (error) {
    if (error instanceof RefusedTarget && !signal.aborted) {
      return { ...down(null, null, targetNotAllowed), refusal: error.message };
    }
    return down(Math.round(performance.now() - started), null, reasonOf(error, config.timeoutMs, signal));
  }
}

function down(latencyMs: number | null, statusCode: number | null, error: string): CheckOutcome {
  return { result: 'down', latencyMs, statusCode, error };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** DNS has no abort signal of its own; the check's timeout still bounds it. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
