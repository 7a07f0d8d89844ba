import { createServer } from 'node:net';
import { AppError } from '@upstate/core';

/** Fails fast, before anything slow starts, when a port the platform needs is taken. */
export async function assertPortFree(port: number, role: string, envVar: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new AppError(
            'conflict',
            `Port ${port} (${role}) is ${error.code === 'EACCES' ? 'not allowed' : 'already in use'}. Stop whatever is using it, or choose another port with ${envVar}=<port>.`,
            { field: envVar, cause: error },
          ),
        );
      } else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A port nobody listens on right now (tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
