/// <reference path="./s3rver.d.ts" />
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from './s3.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** s3rver in-process on a free port with one empty bucket. */
export async function startS3rver(options: { directory?: string; bucket?: string; port?: number } = {}): Promise<{
  endpoint: string;
  client: S3Client;
  bucket: string;
  close(): Promise<void>;
}> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'upstate-s3-'));
  const port = options.port ?? (await freePort());
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const bucket = options.bucket ?? 'upstate-sites';
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
  return {
    endpoint,
    client,
    bucket,
    async close() {
      await server.close();
      if (!options.directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
