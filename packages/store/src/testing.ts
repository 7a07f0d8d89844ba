/// <reference path="./dynalite.d.ts" />
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createStore, type Store } from './store.ts';
import { ensureTable } from './table.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** In-process, in-memory dynalite on a free port. */
export async function startDynalite(options: { path?: string; port?: number } = {}) {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function createDynamoClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}

let shared: Promise<Awaited<ReturnType<typeof startDynalite>>> | undefined;
let tableCounter = 0;

/** A store on its own fresh table, on one dynalite shared by the test file. */
export async function createTestStore(options: { now?: () => Date } = {}): Promise<{
  store: Store;
  client: DynamoDBClient;
  tableName: string;
  endpoint: string;
}> {
  shared ??= startDynalite();
  const { endpoint } = await shared;
  const client = createDynamoClient(endpoint);
  const tableName = `test-${process.pid}-${++tableCounter}`;
  await ensureTable(client, tableName);
  return {
    store: createStore({ client, tableName, ...(options.now ? { now: options.now } : {}) }),
    client,
    tableName,
    endpoint,
  };
}
