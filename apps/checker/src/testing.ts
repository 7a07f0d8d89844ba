import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Monitor } from '@upstate/core';
import { httpMonitorFixture } from '@upstate/core/testing';
import type { Store } from '@upstate/store';

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
  const requests: { method: string; path: string; headers: IncomingHttpHeaders; receivedAt: number }[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://target').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, receivedAt: performance.now() });
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

/** An HTTP monitor aimed at `url`, due at `nextRunAt`, with its component created first. */
export async function seedHttpMonitor(
  store: Store,
  fields: { tenantId: string; id: string; url: string; nextRunAt: string; timeoutMs?: number },
): Promise<Monitor> {
  const at = fields.nextRunAt;
  const componentId = `c-${fields.id}`;
  await store.components.create({
    id: componentId,
    tenantId: fields.tenantId,
    groupId: null,
    name: `Component ${fields.id}`,
    description: null,
    position: 0,
    status: 'operational',
    statusSource: 'monitor',
    onlyShowIfDegraded: false,
    showUptime: true,
    startDate: at.slice(0, 10),
    createdAt: at,
    updatedAt: at,
  });
  const monitor = httpMonitorFixture(
    { id: fields.id, tenantId: fields.tenantId, componentId, url: fields.url, at },
    { config: { timeoutMs: fields.timeoutMs ?? 30_000 } },
  );
  await store.monitors.create(monitor);
  return monitor;
}

/**
 * The starvation of issue 14: tenant `noisy` has `hanging` monitors at a target that never answers,
 * all overdue (older than anything else); tenant `victim` has one monitor whose target is down.
 */
export async function seedNoisyNeighbour(store: Store, target: Target, options: { hanging: number; at: Date }) {
  target.answer('/hang', { hang: true });
  target.answer('/victim', { status: 503, body: 'down' });
  const overdue = new Date(options.at.getTime() - 5 * 60_000).toISOString();
  for (let i = 0; i < options.hanging; i++) {
    await seedHttpMonitor(store, {
      tenantId: 'noisy',
      id: `hang${String(i).padStart(4, '0')}`,
      url: target.url('/hang'),
      nextRunAt: overdue,
    });
  }
  return seedHttpMonitor(store, {
    tenantId: 'victim',
    id: 'victim',
    url: target.url('/victim'),
    nextRunAt: options.at.toISOString(),
  });
}
