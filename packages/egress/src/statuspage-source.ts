import { lookup } from 'node:dns/promises';
import { AppError, type StatuspageSource } from '@upstate/core';
import { RefusedTarget, type ResolveHost, vetTarget } from './ssrf.ts';
import { nodeTransport, type Transport } from './transport.ts';

export interface HttpSourceOptions {
  resolveHost: ResolveHost;
  /** Pinned node:https by default: the connection goes to the vetted address, TLS checks the name. */
  transport?: Transport;
  timeoutMs?: number;
  /** A summary of a big page is a few hundred KB; anything far larger is not a status page. */
  maxBodyBytes?: number;
}

const maxRedirects = 3;

/** The system resolver, every address of the name (one bad answer refuses the target). */
export const systemResolveHost: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

function refused(error: unknown): never {
  if (error instanceof RefusedTarget) throw new AppError('source_refused', error.message, { field: 'url' });
  throw new AppError('source_unreachable', (error as Error).message ?? String(error), { field: 'url' });
}

/**
 * Checks before anything is queued that a page root resolves to public addresses only (the same rule
 * as the checker's). Throws `source_refused` or `source_unreachable` with `field: 'url'`.
 */
export async function vetSource(root: string, resolveHost: ResolveHost): Promise<void> {
  try {
    await vetTarget(new URL(root), { resolveHost, allowPrivateTargets: false });
  } catch (error) {
    refused(error);
  }
}

/**
 * Reads a Statuspage page over https. Every request and every redirect hop is vetted (public unicast
 * addresses only) and pinned to the vetted address; redirects may not leave https; bodies are capped.
 * @example const source = httpStatuspageSource('https://www.githubstatus.com', { resolveHost })
 */
export function httpStatuspageSource(root: string, options: HttpSourceOptions): StatuspageSource {
  const transport = options.transport ?? nodeTransport;
  const cap = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const policy = { resolveHost: options.resolveHost, allowPrivateTargets: false };
  return {
    url: root,
    async getJson(path) {
      let url = new URL(path, `${root}/`);
      for (let hop = 0; ; hop++) {
        if (url.protocol !== 'https:') {
          throw new AppError('source_refused', `${path} redirected away from https`, { field: 'url' });
        }
        let address: string;
        try {
          address = await vetTarget(url, policy);
        } catch (error) {
          refused(error);
        }
        let res: Awaited<ReturnType<Transport>>;
        try {
          res = await transport({
            url,
            method: 'GET',
            headers: { accept: 'application/json', 'user-agent': 'Upstate-Importer/1 (+statuspage import)' },
            address,
            signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
            maxBodyBytes: cap + 1,
          });
        } catch (error) {
          throw new AppError('source_unreachable', `${url.host} did not answer ${path}: ${(error as Error).message}`, {
            field: 'url',
          });
        }
        if (res.status >= 300 && res.status < 400 && res.location && hop < maxRedirects) {
          url = new URL(res.location, url);
          continue;
        }
        if (res.status !== 200) {
          throw new AppError('source_unreachable', `${url.host}/${path} answered ${res.status}`, { field: 'url' });
        }
        if (Buffer.byteLength(res.body) > cap) {
          throw new AppError('source_invalid', `${path} is larger than ${cap} bytes`, { field: 'url' });
        }
        try {
          return JSON.parse(res.body) as unknown;
        } catch {
          throw new AppError('source_invalid', `${path} is not JSON: is this a Statuspage page?`, { field: 'url' });
        }
      }
    },
  };
}
