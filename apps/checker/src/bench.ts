// Checks per second (and monitors per minute) one checker process sustains against a local target,
// with bounded concurrency, through the whole run: due query, HTTP check, conditional run record,
// check result, automatic status and rollup writes on dynalite. Medians of 5 runs.
// Run: pnpm --filter @upstate/checker bench   (MONITORS=2000, CONCURRENCY=32 by default; e.g. CONCURRENCY=16,64)

import type { Component } from '@upstate/core';
import { httpMonitorFixture, recordingPublishTrigger } from '@upstate/core/testing';
import { nodeTransport } from '@upstate/egress/transport';
import { mapPool } from '@upstate/services/pool';
import { createTestStore } from '@upstate/store/testing';
import { createChecker } from './checker.ts';
import { runHttpCheck } from './http-check.ts';
import { startTarget } from './testing.ts';

const monitors = Number(process.env.MONITORS ?? 2000);
const tenants = 20;
const runs = 5;
const concurrencies = (process.env.CONCURRENCY ?? '32').split(',').map(Number);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const target = await startTarget();
target.answer('/health', { status: 200, body: 'ok' });
let clock = new Date('2026-11-24T10:00:00.000Z');
const { store } = await createTestStore({ now: () => clock });

const at = clock.toISOString();
for (let t = 0; t < tenants; t++) {
  for (let c = 0; c < 10; c++) {
    const component: Component = {
      id: `c${c}`,
      tenantId: `t${t}`,
      groupId: null,
      name: `Component ${c}`,
      description: null,
      position: c,
      status: 'operational',
      statusSource: 'monitor',
      onlyShowIfDegraded: false,
      showUptime: true,
      startDate: at.slice(0, 10),
      createdAt: at,
      updatedAt: at,
    };
    await store.components.create(component);
  }
}
for (let i = 0; i < monitors; i++) {
  const monitor = httpMonitorFixture(
    {
      id: `m${String(i).padStart(5, '0')}`,
      tenantId: `t${i % tenants}`,
      componentId: `c${i % 10}`,
      url: target.url('/health'),
      at,
    },
    {
      name: `monitor ${i}`,
      config: { keyword: 'ok', timeoutMs: 10_000, degradedThresholdMs: 10_000 },
      failureThreshold: 3,
      recoveryThreshold: 2,
    },
  );
  await store.monitors.create(monitor);
}

for (const concurrency of concurrencies) {
  const checker = createChecker({
    store,
    publishTrigger: recordingPublishTrigger(),
    allowPrivateTargets: true,
    now: () => clock,
    concurrency,
  });
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const { checked } = await checker.runDue();
    const seconds = (performance.now() - started) / 1000;
    if (checked !== monitors) throw new Error(`checked ${checked} of ${monitors}`);
    rates.push(checked / seconds);
    clock = new Date(clock.getTime() + 60_000);
  }
  const rate = median(rates);
  console.log(
    `concurrency ${String(concurrency).padStart(3)}: ${rate.toFixed(0).padStart(5)} checks/s, ` +
      `${(rate * 60).toFixed(0)} monitors/minute (median of ${runs} runs of ${monitors} monitors, ${tenants} tenants)`,
  );
}
// The HTTP side alone (vet + request + keyword), to show how much of the run the store takes.
const config = (await store.monitors.list('t0'))[0]?.config;
if (config?.kind !== 'http') throw new Error('no http monitor');
for (const concurrency of concurrencies) {
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await mapPool(Array.from({ length: monitors }), concurrency, () =>
      runHttpCheck(config, {
        transport: nodeTransport,
        policy: { resolveHost: async () => [], allowPrivateTargets: true },
      }),
    );
    rates.push(monitors / ((performance.now() - started) / 1000));
  }
  console.log(
    `concurrency ${String(concurrency).padStart(3)}: ${median(rates).toFixed(0).padStart(5)} HTTP checks/s without the store (median of ${runs} runs)`,
  );
}
await target.close();
process.exit(0);
