/// <reference path="./s3rver.d.ts" />
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import sesLocalModule from 'aws-ses-v2-local';
import { simpleParser } from 'mailparser';
import S3rver from 's3rver';
import { createSesClient } from './mail.ts';
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

// A CommonJS module with `exports.default`: Node's ESM loader hands over `module.exports`, bundlers the function.
type StartSesLocal = (config: { host: string; port: number }) => Promise<import('node:http').Server>;
const sesLocal: StartSesLocal =
  typeof sesLocalModule === 'function'
    ? (sesLocalModule as StartSesLocal)
    : (sesLocalModule as unknown as { default: StartSesLocal }).default;

/** One message as the SES stand-in's mailbox holds it, with the raw MIME headers this client sent. */
export interface MailboxMessage {
  messageId: string;
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  /** Unfolded header values by lower-case name, from the raw message. */
  headers: Record<string, string>;
}

/**
 * aws-ses-v2-local in-process on a free port, with its web mailbox at `endpoint`.
 * The stand-in parses raw messages but keeps none of their headers, so the returned client records
 * each raw message it sends (by the MessageId the stand-in answers) and `messages()` joins the two;
 * for `SendBulkEmail` it keeps the template and replacement headers, which `messages()` returns as they are.
 */
export async function startSesLocal(options: { port?: number } = {}): Promise<{
  endpoint: string;
  client: SESv2Client;
  messages(): Promise<MailboxMessage[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}> {
  const port = options.port ?? (await freePort());
  const server = await sesLocal({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createSesClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'SESLOCAL', secretAccessKey: 'SESLOCAL' },
  });
  const raw = new Map<string, Uint8Array>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const input = args.input as { Content?: { Raw?: { Data?: Uint8Array } } };
      const output = result.output as { MessageId?: string };
      if (input.Content?.Raw?.Data && output.MessageId) raw.set(output.MessageId, input.Content.Raw.Data);
      return result;
    },
    { step: 'initialize', name: 'upstateRecordRawMessage' },
  );
  return {
    endpoint,
    client,
    async messages() {
      const res = await fetch(`${endpoint}/store`);
      const store = (await res.json()) as {
        emails: {
          messageId: string;
          from: string;
          replyTo: string[];
          destination: { to: string[] };
          subject: string;
          body: { text?: string; html?: string };
          headers?: { name: string; value: string }[];
        }[];
      };
      return Promise.all(
        store.emails.map(async (email) => {
          const headers: Record<string, string> = {};
          const data = raw.get(email.messageId);
          // A bulk (templated) message has no raw MIME: the stand-in keeps the headers it was given.
          for (const { name, value } of email.headers ?? []) headers[name.toLowerCase()] = value;
          if (data) {
            const parsed = await simpleParser(Buffer.from(data));
            for (const { key, line } of parsed.headerLines) {
              headers[key] = line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim();
            }
          }
          return {
            messageId: email.messageId,
            from: email.from,
            to: email.destination.to,
            replyTo: email.replyTo,
            subject: email.subject,
            text: email.body.text ?? '',
            html: email.body.html ?? '',
            headers,
          };
        }),
      );
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      raw.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error?: Error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
