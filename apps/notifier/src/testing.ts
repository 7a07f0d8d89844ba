import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import { siteKey, writePrivateObject } from '@upstate/aws';
import { type Incident, statuspageV2Files, type TenantSnapshot } from '@upstate/core';

/** Writes a snapshot's Statuspage v2 JSON where the publisher puts it: what "the page shows" for the notifier. */
export async function publishJson(s3: S3Client, bucket: string, snapshot: TenantSnapshot): Promise<void> {
  for (const [path, body] of Object.entries(statuspageV2Files(snapshot))) {
    await writePrivateObject(s3, bucket, siteKey(snapshot.tenant.id, path), JSON.stringify(body), 'application/json');
  }
}

/** An incident with one fresh update (created at `at`), for notify tests. */
export function freshIncident(
  tenantId: string,
  id: string,
  at: string,
  componentIds: string[],
  body = 'We are **investigating** slow responses.',
): Incident {
  return {
    id,
    tenantId,
    name: 'Slow API responses',
    impact: 'minor',
    status: 'investigating',
    componentIds,
    createdAt: at,
    updatedAt: at,
    resolvedAt: null,
    updates: [
      {
        id: `${id}-u1`,
        kind: 'update',
        status: 'investigating',
        body,
        displayAt: at,
        createdAt: at,
        author: { kind: 'api_key', id: 'k1', label: 'ops' },
        componentChanges: componentIds.map((componentId) => ({
          componentId,
          oldStatus: 'operational' as const,
          newStatus: 'degraded_performance' as const,
        })),
        correctsUpdateId: null,
      },
    ],
    version: 1,
  };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real local HTTP receiver that records every POST and answers `status` (default 204). */
export async function startReceiver(options: { status?: () => number } = {}): Promise<{
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(options.status?.() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
