import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from './platform.ts';
import { freePort } from './ports.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'upstate-seed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const dns = { resolveTxt: async () => [] as string[][] };

// Issue 14 item 16: a seed that fails halfway must not leave a half-seeded demo behind.
describe('the demo seed', () => {
  it('is all-or-nothing: a seed that failed halfway is cleared and seeded again on the next start', async () => {
    const ports = { api: await freePort(), edge: await freePort() };
    const options = { dataDir, ports, quiet: true, dnsResolver: dns, timers: { rolloverMs: 3_600_000 } };
    // Act: the seed's last step (its monitor) fails, after the tenant and its history were written
    await expect(startPlatform({ ...options, apiConfig: { monitorsPerTenant: 0 } })).rejects.toMatchObject({
      message: expect.stringContaining('seeding the demo failed'),
    });
    // Act: start again
    const platform = await startPlatform(options);
    try {
      // Assess: one demo tenant, complete, seeded by this start
      expect(platform.seeded).toBe(true);
      const tenants = await platform.store.tenants.listIds();
      expect(tenants).toEqual([platform.demo.tenantId]);
      expect(await platform.store.monitors.list(platform.demo.tenantId)).toHaveLength(1);
      expect(platform.warnings.join('\n')).not.toContain('was missing');
    } finally {
      await platform.close();
    }
  }, 240_000);
});
