import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RefusedTarget, type TargetPolicy, vetTarget } from './ssrf.ts';

/** A lookup that answers with the already vetted address, so the connection goes exactly there. */
export function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

export interface PostResult {
  status: number;
  /** At most 2 KB of the answer, for the delivery log. */
  body: string;
}

const maxRedirects = 3;
const maxAnswerBytes = 2048;

/**
 * POSTs a body to a tenant- or reader-supplied URL: the host is resolved and every address vetted
 * (no private, loopback, link-local or metadata addresses), the connection is pinned to the vetted
 * address (no DNS rebinding), and each redirect (307/308 keep the POST) is vetted again.
 */
export async function safePost(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
  policy: TargetPolicy,
): Promise<PostResult> {
  let target = new URL(url);
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const address = await vetTarget(target, policy);
    const answer = await new Promise<PostResult & { location: string | null }>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, {
        method: 'POST',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        lookup: pinnedLookup(address),
        signal: AbortSignal.timeout(init.timeoutMs),
        agent: false,
      });
      req.on('error', reject);
      req.once('response', (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < maxAnswerBytes) parts.push(chunk);
          size += chunk.byteLength;
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).subarray(0, maxAnswerBytes).toString('utf8'),
            location: (res.headers.location as string | undefined) ?? null,
          }),
        );
      });
      req.end(init.body);
    });
    if ((answer.status === 307 || answer.status === 308) && answer.location) {
      target = new URL(answer.location, target);
      continue;
    }
    return { status: answer.status, body: answer.body };
  }
  throw new RefusedTarget(`more than ${maxRedirects} redirects`);
}
