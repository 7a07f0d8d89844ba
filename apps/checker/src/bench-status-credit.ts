// Tenants per second one checker process credits status time for (components without a monitor):
// directory page, watermark read, component/monitor/maintenance reads, watermark claim and one
// rollup write per component, on dynalite. Medians of 5 runs, each one simulated minute later.
// Run: pnpm --filter @upstate/checker bench:credit   (TENANTS=500, COMPONENTS=5, CONCURRENCY=32)
import type { Component } from '@upstate/core';
import { defaultMaxCreditMs } from '@upstate/services/uptime/credit-status';
import { createTestStore } from '@upstate/store/testing';
import { statusCreditor } from './status-credit.ts';

const tenants = Number(process.env.TENANTS ?? 500);
const componentsPerTenant = Number(process.env.COMPONENTS ?? 5);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const runs = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

let clock = new Date('2026-11-24T10:00:00.000Z');
const { store } = await createTestStore({ now: () => clock });
const at = clock.toISOString();
for (let t = 0; t < tenants; t++) {
  const tenantId = `t${String(t).padStart(5, '0')}`;
  await store.tenants.create({ id: tenantId, slug: tenantId, name: tenantId, timezone: 'UTC', createdAt: at });
  for (let c = 0; c < componentsPerTenant; c++) {
    const component: Component = {
      id: `c${c}`,
      tenantId,
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

const creditAll = statusCreditor({ store, concurrency, maxCreditMs: defaultMaxCreditMs, log: console.error });
const rates: number[] = [];
const durations: number[] = [];
for (let run = 0; run < runs; run++) {
  clock = new Date(clock.getTime() + 60_000);
  const started = performance.now();
  const { tenants: credited, minutes } = await creditAll(clock, () => false);
  const ms = performance.now() - started;
  if (credited !== tenants || minutes !== tenants * componentsPerTenant * (run === 0 ? 2 : 1)) {
    throw new Error(`run ${run}: credited ${credited} tenants, ${minutes} minutes`);
  }
  rates.push(tenants / (ms / 1000));
  durations.push(ms);
}
console.log(
  `concurrency ${concurrency}: ${median(rates).toFixed(0)} tenants/s, ${median(durations).toFixed(0)} ms per pass ` +
    `(median of ${runs} passes over ${tenants} tenants × ${componentsPerTenant} components without monitors)`,
);
process.exit(0);
