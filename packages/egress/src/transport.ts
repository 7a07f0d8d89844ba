import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedLookup } from './post.ts';

/** One HTTP exchange, without redirects: the caller follows (and re-vets) each hop itself. */
export interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** The vetted address to connect to. */
  address: string;
  signal: AbortSignal;
  maxBodyBytes: number;
}

export interface HopResponse {
  status: number;
  location: string | null;
  /** At most `maxBodyBytes` of the body, as UTF-8 text (empty for HEAD). */
  body: string;
}

export type Transport = (hop: HopRequest) => Promise<HopResponse>;

async function readCapped(chunks: AsyncIterable<Uint8Array>, max: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.byteLength;
    // A keyword check needs the start of the page, not a download of whatever the target streams;
    // leaving the loop early destroys the stream.
    if (size >= max) break;
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/** node:http(s) with the connection pinned to the vetted address; TLS still verifies the host name. */
export const nodeTransport: Transport = (hop) =>
  new Promise<HopResponse>((resolve, reject) => {
    const send = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(hop.url, {
      method: hop.method,
      headers: hop.headers,
      lookup: pinnedLookup(hop.address),
      signal: hop.signal,
      agent: false,
    });
    // `on`, not `once`: a late error (an abort after the answer) must not go unhandled.
    req.on('error', reject);
    req.once('response', (res: IncomingMessage) => {
      readCapped(res, hop.maxBodyBytes)
        .then((body) =>
          resolve({
            status: res.statusCode ?? 0,
            location: (res.headers.location as string | undefined) ?? null,
            body,
          }),
        )
        .catch(reject);
    });
    req.end();
  });

/**
 * An injected `fetch` as transport (redirects handled by the checker). It connects by host name, so
 * the address is vetted but not pinned: prefer the default transport on AWS.
 */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (hop) => {
    const res = await fetchImpl(hop.url, {
      method: hop.method,
      headers: hop.headers,
      redirect: 'manual',
      signal: hop.signal,
    });
    const body = res.body ? await readCapped(res.body as unknown as AsyncIterable<Uint8Array>, hop.maxBodyBytes) : '';
    return { status: res.status, location: res.headers.get('location'), body };
  };
}
