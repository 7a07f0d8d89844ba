import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { AppDeps } from './context.ts';

/** Serves the API on Node (local platform). Resolves once listening. */
export async function startApiServer(options: {
  port: number;
  hostname?: string;
  deps: AppDeps;
  extend?: (app: ReturnType<typeof createApp>) => void;
}) {
  const app = createApp(options.deps);
  options.extend?.(app);
  return new Promise<{ port: number; close(): Promise<void>; app: ReturnType<typeof createApp> }>((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1' },
      (info: AddressInfo) =>
        resolve({
          port: info.port,
          app,
          close: () => new Promise<void>((r) => server.close(() => r())),
        }),
    );
    server.once('error', reject);
  });
}
