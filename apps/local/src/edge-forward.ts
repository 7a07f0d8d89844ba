import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { siteHostHeader, statuspageSubscribePath } from '@upstate/api';
import { requestHost } from '@upstate/edge';

/** Paths of a tenant's page host that the CDN sends to the API instead of S3 (CloudFront behaviours). */
export const apiPaths: readonly string[] = [statuspageSubscribePath];

type Fetch = (request: Request) => Promise<Response>;

/**
 * The local CloudFront's second origin: on a page host, the API paths go to the API with the viewer's
 * host in `x-upstate-site-host` (a value the client sent is replaced, as CloudFront's origin request
 * policy does) and the client address in `x-forwarded-for`; everything else goes to the S3 edge.
 */
export function withApiOrigin(edge: Fetch, api: Fetch, apiOrigin: string) {
  return async (request: Request, client?: string): Promise<Response> => {
    const url = new URL(request.url);
    if (!apiPaths.includes(url.pathname)) return edge(request);
    const headers = new Headers(request.headers);
    headers.set(siteHostHeader, requestHost(request));
    if (client) headers.set('x-forwarded-for', client);
    const forwarded = new Request(`${apiOrigin}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: await request.arrayBuffer() }),
    });
    return api(forwarded);
  };
}

/** Serves the edge with its API origin on Node (what `edge.listen` does for the S3 origin alone). */
export function listenEdge(
  fetch: ReturnType<typeof withApiOrigin>,
  port: number,
  hostname = '127.0.0.1',
): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: (request: Request, env: { incoming?: { socket?: { remoteAddress?: string } } }) =>
          fetch(request, env?.incoming?.socket?.remoteAddress),
        port,
        hostname,
      },
      (info: AddressInfo) => {
        server.off('error', reject);
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((r) => {
              server.close(() => r());
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
