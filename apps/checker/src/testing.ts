import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the local target answers on one path. */
export interface TargetAnswer {
  status?: number;
  body?: string;
  /** Wait before answering. */
  delayMs?: number;
  /** Never answer (the check must time out). */
  hang?: boolean;
  location?: string;
}

/**
 * A local HTTP target on 127.0.0.1 whose answers the test sets per path, recording every request.
 * @example const target = await startTarget(); target.answer('/health', { status: 503 })
 */
export async function startTarget() {
  const answers = new Map<string, TargetAnswer>();
  const requests: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://target').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const a = answers.get(path) ?? { status: 404, body: 'no answer set' };
    if (a.hang) {
      open.add(res);
      return;
    }
    const send = () => {
      res.writeHead(a.status ?? 200, {
        'content-type': 'text/plain',
        ...(a.location ? { location: a.location } : {}),
      });
      res.end(a.body ?? '');
    };
    if (a.delayMs) setTimeout(send, a.delayMs);
    else send();
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    answer(path: string, answer: TargetAnswer) {
      answers.set(path, answer);
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Target = Awaited<ReturnType<typeof startTarget>>;
