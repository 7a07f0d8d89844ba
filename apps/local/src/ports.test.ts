import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from './ports.ts';

describe('assertPortFree', () => {
  it('passes for a free port', async () => {
    await expect(assertPortFree(await freePort(), 'API', 'UPSTATE_API_PORT')).resolves.toBeUndefined();
  });

  it('names the port, its role and the variable that moves it when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(assertPortFree(port, 'edge server', 'UPSTATE_EDGE_PORT')).rejects.toMatchObject({
        code: 'conflict',
        field: 'UPSTATE_EDGE_PORT',
        message: `Port ${port} (edge server) is already in use. Stop whatever is using it, or choose another port with UPSTATE_EDGE_PORT=<port>.`,
      });
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
