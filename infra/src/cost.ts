// Monthly AWS cost of a stage for 10, 1,000 and 10,000 tenants, from the stack's own numbers:
// - Step Functions transitions per publish: walked from the deployed definition (publishDefinition);
// - Lambda GB-seconds per publish task: each task run locally on dynalite and s3rver (median of
//   several runs) times the memory the stack gives it (workflow.ts);
// - DynamoDB and S3 requests per publish and per status-credit minute: counted by SDK middleware
//   while those run locally;
// - CloudFront invalidation paths per publish: what the sync handed the invalidate task;
// - per notifying entry: transitions walked from notifyDefinition, the notify tasks' time and their
//   DynamoDB requests, run on the stand-ins for `subscribersPerTenant` email subscribers (SES's own
//   answer time is an assumption: the mailer there records instead of calling SES);
// - per tenant-minute of the reminder schedule: the requests of one reminder check, counted.
// Everything else is an assumption listed below, with the prices and their date.
// Run: npm run cost   (or: node --openssl-legacy-provider infra/src/cost.ts [--runs 5])
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { billedPaths } from '@upstate/aws';
import { startS3rver } from '@upstate/aws/testing';
import { creditTenantStatusTime, defaultMaxCreditMs } from '@upstate/checker';
import { type Component, newId } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { createNotifyHandlers, createSenders } from '@upstate/notifier';
import { type NotifyTaskName, notifyDefinition, notifyTaskNames } from '@upstate/notifier/definition';
import { freshIncident, publishJson } from '@upstate/notifier/testing';
import { createHandlers, publishDefinition, taskNames } from '@upstate/publisher';
import { ensureTheme, renderSite } from '@upstate/render';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import { createTestStore } from '@upstate/store/testing';
import { notifyMemoryMb } from './notify.ts';
import { taskMemoryMb } from './workflow.ts';

let runs = 5;
type TaskName = (typeof taskNames)[number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** List prices, us-east-1 (eu-west-1 is within a few percent), as published in AWS's price pages in 2025. */
export const prices = {
  date: '2025 list prices (us-east-1), not re-checked from this machine',
  sfnPerTransition: 0.025 / 1000,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  dynamoPerWrite: 0.625 / 1e6,
  dynamoPerRead: 0.125 / 1e6,
  s3PerPut: 0.005 / 1000,
  s3PerGet: 0.0004 / 1000,
  invalidationPerPath: 0.005,
  invalidationFreePaths: 1000,
  sesPerEmail: 0.1 / 1000,
  httpApiPerRequest: 1 / 1e6,
  schedulerPerInvocation: 1 / 1e6,
  alarmPerMonth: 0.1,
  kmsKeyPerMonth: 1,
  secretPerMonth: 0.4,
};

/** What tenants do, per tenant and month unless stated. */
export const assumptions = {
  componentsPerTenant: 10,
  /** Components with an HTTP monitor (60 s); the others are credited status time every minute. */
  monitoredComponents: 5,
  /** Writes (incident updates, status changes, edits) that each publish; bursts coalesce (≤ 2 renders). */
  publishesPerDay: 4,
  /** Page domains per tenant: the platform subdomain, plus a custom domain for 30% of tenants. */
  domainsPerTenant: 1.3,
  /** Timeline entries that notify subscribers, per day. */
  notifyingEntriesPerDay: 0.5,
  subscribersPerTenant: 200,
  /** Subscribers per Map item of the notify run (apps/notifier's default range size). */
  subscribersPerRange: 100,
  /** SES v2 SendEmail answer time; the page task sends 16 at a time. */
  sesCallMs: 40,
  sendConcurrency: 16,
  /** Management API requests per publish (a write, its reads, the dashboard's polling). */
  apiRequestsPerPublish: 10,
  /** Writes per monitor check (apps/checker/src/checker.ts): the check result, the rollup, the monitor's run record. */
  writesPerCheck: 3,
  readsPerCheck: 2,
};

interface DefinitionState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
}

/** The states a publish enters on its usual path: lease taken, one render, committed, nothing newer. */
export function transitionsPerPublish(): number {
  const definition = publishDefinition(
    Object.fromEntries(taskNames.map((t) => [t, `arn:aws:lambda:us-east-1:111122223333:function:${t}`])) as never,
  ) as unknown as { StartAt: string; States: Record<string, DefinitionState> };
  const seen = new Set<string>();
  let state: string | undefined = definition.StartAt;
  let count = 0;
  while (state) {
    const s: DefinitionState | undefined = definition.States[state];
    if (!s) break;
    count++;
    seen.add(state);
    if (s.Type === 'Choice') {
      // The first rule the first time (the lease was acquired); the default once it would loop.
      const onward: string | undefined = s.Choices?.map((c) => c.Next).find((n) => !seen.has(n));
      state = onward ?? s.Default;
    } else state = s.Next;
  }
  return count;
}

/** States a notify run enters: Collect, the choice, the Map, one DeliverRange per range, Finish. */
export function transitionsPerNotify(ranges: number): number {
  const definition = notifyDefinition({ collect: 'c', page: 'p', finish: 'f' });
  const outer = [definition.StartAt, 'AnythingToSend?', 'FanOut', 'Finish'];
  for (const state of outer) if (!(state in definition.States)) throw new Error(`notify definition has no ${state}`);
  return outer.length + ranges * Object.keys(definition.States.FanOut.ItemProcessor.States).length;
}

type Counts = Record<string, number>;
/** Counts each command the client sends while `active()` holds. */
function countCommands(client: unknown, counts: Counts, active: () => boolean = () => true) {
  const stack = (client as { middlewareStack: { add: (mw: unknown, options: unknown) => void } }).middlewareStack;
  stack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (active()) {
        const name = context.commandName ?? 'unknown';
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'upstate-cost-counter' },
  );
}
const isWrite = (command: string) => /^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(command);

/** Publishes a fixture tenant `runs` times on the stand-ins, timing each task and counting requests. */
async function measurePublish() {
  await ensureTheme('default');
  const s3 = await startS3rver();
  const db = await createTestStore();
  const dynamo: Counts = {};
  const objects: Counts = {};
  // Only the publish itself counts, not the write that triggered it.
  let publishing = false;
  countCommands(db.client, dynamo, () => publishing);
  countCommands(s3.client, objects, () => publishing);
  const snapshot = fixtureSnapshot({
    tenantId: 'tnt-cost',
    slug: 'cost',
    name: 'Cost Co',
    days: 90,
    components: assumptions.componentsPerTenant,
  });
  await db.store.tenants.create(snapshot.tenant, snapshot.branding);
  for (const g of snapshot.groups) await db.store.groups.create(g);
  for (const c of snapshot.components) await db.store.components.create(c);
  // Paths handed to the invalidator (each billed before the one-wildcard rule), and those billed now.
  const invalidated: number[] = [];
  const billed: number[] = [];
  const handlers = createHandlers({
    store: db.store,
    s3: s3.client as S3Client,
    bucket: s3.bucket,
    invalidator: {
      invalidate: async (_t, paths) => {
        invalidated.push(paths.length);
        billed.push(billedPaths(paths).length);
      },
    },
    renderer: renderSite,
    site: { scheme: 'https', platformDomain: 'upstate.page' },
  });
  const durations: Record<TaskName, number[]> = Object.fromEntries(taskNames.map((t) => [t, []])) as never;
  const timed = async <T>(task: TaskName, call: () => Promise<T>) => {
    const started = performance.now();
    const result = await call();
    durations[task]?.push(performance.now() - started);
    return result;
  };
  // The first publish uploads everything; the ones measured change one component, like an update.
  const publishOnce = async (i: number) => {
    publishing = true;
    const version = await db.store.publish.bumpContentVersion('tnt-cost');
    const owner = `tnt-cost-v${version}-${i}`;
    await timed('lease', () => handlers.lease({ tenantId: 'tnt-cost', version, owner }));
    const rendered = await timed('render', () => handlers.render({ tenantId: 'tnt-cost', owner }));
    const synced = await timed('sync', () =>
      handlers.sync({ tenantId: 'tnt-cost', owner, version, build: rendered.build }),
    );
    await timed('invalidate', () =>
      handlers.invalidate({ tenantId: 'tnt-cost', owner, version, build: rendered.build, paths: synced.paths }),
    );
    await timed('commit', () => handlers.commit({ tenantId: 'tnt-cost', owner, version, build: rendered.build }));
    publishing = false;
  };
  await publishOnce(0);
  for (const t of taskNames) durations[t] = [];
  for (const k of Object.keys(dynamo)) delete dynamo[k];
  for (const k of Object.keys(objects)) delete objects[k];
  invalidated.length = 0;
  billed.length = 0;
  const component = snapshot.components[0];
  for (let i = 1; i <= runs; i++) {
    if (component) {
      await db.store.components.setStatus(
        'tnt-cost',
        component.id,
        i % 2 ? 'degraded_performance' : 'operational',
        'manual',
      );
    }
    await publishOnce(i);
  }
  await s3.close();
  const per = (counts: Counts, f: (c: string) => boolean) =>
    Object.entries(counts).reduce((sum, [c, n]) => sum + (f(c) ? n : 0), 0) / runs;
  return {
    msPerTask: Object.fromEntries(taskNames.map((t) => [t, median(durations[t] ?? [])])) as Record<TaskName, number>,
    dynamoWrites: per(dynamo, isWrite),
    dynamoReads: per(dynamo, (c) => !isWrite(c)),
    s3Puts: per(objects, (c) => /^(Put|Delete|List)/.test(c)),
    s3Gets: per(objects, (c) => /^(Get|Head)/.test(c)),
    invalidationPathsBefore: median(invalidated),
    invalidationPaths: median(billed),
  };
}

/** One status-credit minute of a tenant whose unmonitored components are credited: requests counted. */
async function measureStatusCredit() {
  let clock = new Date('2026-12-01T10:00:00.000Z');
  const db = await createTestStore({ now: () => clock });
  const counts: Counts = {};
  const snapshot = fixtureSnapshot({
    tenantId: 'tnt-credit',
    slug: 'credit',
    days: 1,
    components: assumptions.componentsPerTenant - assumptions.monitoredComponents,
  });
  await db.store.tenants.create(snapshot.tenant, snapshot.branding);
  for (const c of snapshot.components) await db.store.components.create({ ...c, statusSource: 'manual' } as never);
  const log = () => {};
  await creditTenantStatusTime(db.store, 'tnt-credit', clock, { maxCreditMs: defaultMaxCreditMs, log });
  countCommands(db.client, counts);
  for (let i = 0; i < runs; i++) {
    clock = new Date(clock.getTime() + 60_000);
    await creditTenantStatusTime(db.store, 'tnt-credit', clock, { maxCreditMs: defaultMaxCreditMs, log });
  }
  const per = (f: (c: string) => boolean) => Object.entries(counts).reduce((s, [c, n]) => s + (f(c) ? n : 0), 0) / runs;
  return { writes: per(isWrite), reads: per((c) => !isWrite(c)) };
}

/**
 * Notify runs for one fresh incident each on the stand-ins: `subscribersPerTenant` confirmed email
 * subscribers, a recording mailer. Times each task (median of the runs), counts DynamoDB requests per
 * run, and the requests of one reminder check (what the schedule does per tenant each minute).
 */
async function measureNotify() {
  const s3 = await startS3rver();
  const db = await createTestStore();
  const dynamo: Counts = {};
  const objects: Counts = {};
  let counting = false;
  countCommands(db.client, dynamo, () => counting);
  countCommands(s3.client, objects, () => counting);
  const tenantId = `tnt-notify-${newId()}`;
  const snapshot = fixtureSnapshot({
    tenantId,
    slug: 'notify-cost',
    days: 1,
    now: new Date(Date.now() - 2 * 86_400_000).toISOString(),
  });
  await db.store.tenants.create(snapshot.tenant, snapshot.branding);
  for (const c of snapshot.components) await db.store.components.create(c as Component);
  const services = {
    store: db.store,
    publishTrigger: { requestPublish: async () => {} },
    now: () => new Date(),
    log: () => {},
  };
  for (let i = 0; i < assumptions.subscribersPerTenant; i++) {
    await subscribe(services, {
      tenantId,
      channel: 'email',
      target: `reader-${i}@example.com`,
      confirmed: true,
      linkSecret: 'cost-link-secret',
    });
  }
  const handlers = createNotifyHandlers({
    store: db.store,
    s3: s3.client as S3Client,
    bucket: s3.bucket,
    senders: createSenders({
      mailer: { send: async () => ({ messageId: newId() }) },
      policy: { allowPrivateTargets: false, resolveHost: async () => [] },
    }),
    links: { apiBase: 'https://api.upstate.page', linkSecret: 'cost-link-secret' },
    mailDomain: 'upstate.page',
    rangeSize: assumptions.subscribersPerRange,
  });
  const durations: Record<NotifyTaskName, number[]> = { collect: [], page: [], finish: [] };
  const timed = async <T>(task: NotifyTaskName, call: () => Promise<T>) => {
    const started = performance.now();
    const result = await call();
    durations[task].push(performance.now() - started);
    return result;
  };
  let ranges = 0;
  for (let i = 0; i < runs; i++) {
    snapshot.incidents.unshift(freshIncident(tenantId, `inc-${i}-${newId()}`, new Date().toISOString(), []));
    await publishJson(s3.client as S3Client, s3.bucket, snapshot);
    counting = true;
    const run = `${tenantId}-n${i + 1}`;
    const collected = await timed('collect', () => handlers.collect({ tenantId, version: i + 1, run }));
    ranges = collected.ranges.length;
    for (const range of collected.ranges) {
      await timed('page', () => handlers.page({ tenantId, run, entryKeys: collected.entryKeys, range }));
    }
    await timed('finish', () => handlers.finish({ tenantId, entryKeys: collected.entryKeys }));
    counting = false;
  }
  const perRun = (f: (c: string) => boolean) =>
    Object.entries(dynamo).reduce((sum, [c, n]) => sum + (f(c) ? n : 0), 0) / runs;
  const notify = {
    ranges,
    msPerTask: Object.fromEntries(notifyTaskNames.map((t) => [t, median(durations[t])])) as Record<
      NotifyTaskName,
      number
    >,
    dynamoWrites: perRun(isWrite),
    dynamoReads: perRun((c) => !isWrite(c)),
    s3Gets: Object.values(objects).reduce((a, b) => a + b, 0) / runs,
  };
  for (const k of Object.keys(dynamo)) delete dynamo[k];
  for (const k of Object.keys(objects)) delete objects[k];
  counting = true;
  const reminderMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await handlers.reminderDue(tenantId);
    reminderMs.push(performance.now() - started);
  }
  counting = false;
  await s3.close();
  const reminder = {
    ms: median(reminderMs),
    dynamoReads: Object.values(dynamo).reduce((a, b) => a + b, 0) / runs,
    s3Gets: Object.values(objects).reduce((a, b) => a + b, 0) / runs,
  };
  return { ...notify, reminder };
}

export interface CostLine {
  line: string;
  monthly: Record<number, number>;
}

export function monthlyCost(
  measured: Omit<Awaited<ReturnType<typeof measurePublish>>, 'invalidationPathsBefore'> & {
    credit: { writes: number; reads: number };
    transitions: number;
    notify: Awaited<ReturnType<typeof measureNotify>>;
  },
  tenantCounts: number[],
): CostLine[] {
  const days = 30;
  const minutes = days * 1440;
  const a = assumptions;
  const p = prices;
  const line = (name: string, perTenant: (t: number) => number, fixed = 0): CostLine => ({
    line: name,
    monthly: Object.fromEntries(tenantCounts.map((t) => [t, fixed + perTenant(t)])),
  });
  const publishes = (t: number) => t * a.publishesPerDay * days;
  // The day rollover publishes every tenant once a day as well.
  const allPublishes = (t: number) => publishes(t) + t * days;
  const gbSecondsPerPublish = taskNames.reduce(
    (sum, task) => sum + (measured.msPerTask[task] / 1000) * (taskMemoryMb(task) / 1024),
    0,
  );
  const checks = (t: number) => t * a.monitoredComponents * minutes;
  const n = measured.notify;
  const notifyRuns = (t: number) => t * a.notifyingEntriesPerDay * days;
  const ranges = Math.ceil(a.subscribersPerTenant / a.subscribersPerRange);
  // The page task waits on SES for each email, `sendConcurrency` at a time, on top of what was measured.
  const sesWaitMs = Math.ceil(a.subscribersPerRange / a.sendConcurrency) * a.sesCallMs;
  const gbSecondsPerNotify =
    (n.msPerTask.collect / 1000) * (notifyMemoryMb('collect') / 1024) +
    ranges * ((n.msPerTask.page + sesWaitMs) / 1000) * (notifyMemoryMb('page') / 1024) +
    (n.msPerTask.finish / 1000) * (notifyMemoryMb('finish') / 1024);
  return [
    line('Step Functions (publish transitions)', (t) => allPublishes(t) * measured.transitions * p.sfnPerTransition),
    line(
      'Lambda (publish tasks, GB-s + requests)',
      (t) => allPublishes(t) * (gbSecondsPerPublish * p.lambdaPerGbSecondArm + taskNames.length * p.lambdaPerRequest),
    ),
    line(
      'DynamoDB (status-time crediting, every minute)',
      (t) => t * minutes * (measured.credit.writes * p.dynamoPerWrite + measured.credit.reads * p.dynamoPerRead),
    ),
    line(
      'DynamoDB (monitor checks)',
      (t) => checks(t) * (a.writesPerCheck * p.dynamoPerWrite + a.readsPerCheck * p.dynamoPerRead),
    ),
    line(
      'DynamoDB (publishes)',
      (t) => allPublishes(t) * (measured.dynamoWrites * p.dynamoPerWrite + measured.dynamoReads * p.dynamoPerRead),
    ),
    line(
      'S3 requests (publishes)',
      (t) => allPublishes(t) * (measured.s3Puts * p.s3PerPut + measured.s3Gets * p.s3PerGet),
    ),
    line(
      'CloudFront invalidation paths',
      (t) =>
        Math.max(0, allPublishes(t) * a.domainsPerTenant * measured.invalidationPaths - p.invalidationFreePaths) *
        p.invalidationPerPath,
    ),
    line(
      'SES (subscriber emails)',
      (t) => t * a.notifyingEntriesPerDay * days * a.subscribersPerTenant * p.sesPerEmail,
    ),
    line(
      'Step Functions (notify transitions)',
      (t) => notifyRuns(t) * transitionsPerNotify(ranges) * p.sfnPerTransition,
    ),
    line(
      'Lambda (notify tasks, GB-s + requests)',
      (t) => notifyRuns(t) * (gbSecondsPerNotify * p.lambdaPerGbSecondArm + (2 + ranges) * p.lambdaPerRequest),
    ),
    line(
      'DynamoDB (notify claims and delivery log)',
      (t) =>
        notifyRuns(t) *
        ((n.dynamoWrites * p.dynamoPerWrite + n.dynamoReads * p.dynamoPerRead) * (ranges / Math.max(1, n.ranges))),
    ),
    // Every minute, each tenant's upcoming maintenance is read (S3) with its reminder lead (DynamoDB).
    line(
      'Reminder schedule (per tenant-minute: S3 GET, DynamoDB read, Lambda)',
      (t) =>
        t *
        minutes *
        (n.reminder.s3Gets * p.s3PerGet +
          n.reminder.dynamoReads * p.dynamoPerRead +
          (n.reminder.ms / 1000 / 16) * (notifyMemoryMb('remind') / 1024) * p.lambdaPerGbSecondArm),
    ),
    line('API Gateway (HTTP API)', (t) => publishes(t) * a.apiRequestsPerPublish * p.httpApiPerRequest),
    // Fixed per stage: ~35 alarms, 2 KMS keys, the cursor and link secrets, the four schedules' invocations
    // (checker, reconciler, provisioning, reminder).
    line(
      'Fixed (alarms, KMS keys, secrets, schedules)',
      () => 0,
      35 * p.alarmPerMonth + 2 * p.kmsKeyPerMonth + 2 * p.secretPerMonth + 4 * minutes * p.schedulerPerInvocation,
    ),
  ];
}

function table(lines: CostLine[], tenantCounts: number[]) {
  const money = (v: number) => `$${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US')}`;
  const totals = Object.fromEntries(tenantCounts.map((t) => [t, lines.reduce((s, l) => s + (l.monthly[t] ?? 0), 0)]));
  const header = `| Line | ${tenantCounts.map((t) => `${t.toLocaleString('en-US')} tenants`).join(' | ')} |`;
  const rows = lines.map((l) => `| ${l.line} | ${tenantCounts.map((t) => money(l.monthly[t] ?? 0)).join(' | ')} |`);
  const total = `| **Total per month** | ${tenantCounts.map((t) => `**${money(totals[t] ?? 0)}**`).join(' | ')} |`;
  return { text: [header, `|---|${tenantCounts.map(() => '---:').join('|')}|`, ...rows, total].join('\n'), totals };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  runs = Number(values.runs);
  const tenantCounts = [10, 1000, 10_000];
  const publish = await measurePublish();
  const credit = await measureStatusCredit();
  const notify = await measureNotify();
  const measured = { ...publish, credit, transitions: transitionsPerPublish(), notify };
  const lines = monthlyCost(measured, tenantCounts);
  const { text, totals } = table(lines, tenantCounts);
  const before = table(
    monthlyCost({ ...measured, invalidationPaths: publish.invalidationPathsBefore }, tenantCounts),
    tenantCounts,
  );
  const biggest = [...lines].sort((x, y) => (y.monthly[10_000] ?? 0) - (x.monthly[10_000] ?? 0))[0] as CostLine;
  console.log(text);
  console.log(
    `\nDominant line at 10,000 tenants: ${biggest.line} (${Math.round((100 * (biggest.monthly[10_000] ?? 0)) / (totals[10_000] ?? 1))}% of the total)`,
  );
  const money = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;
  console.log(
    `Before one wildcard per domain per publish (each changed path billed, ${publish.invalidationPathsBefore} per publish): total ${tenantCounts
      .map((t) => `${money(before.totals[t] ?? 0)} for ${t.toLocaleString('en-US')}`)
      .join(', ')}; after (${publish.invalidationPaths} per publish): ${tenantCounts
      .map((t) => `${money(totals[t] ?? 0)}`)
      .join(', ')}.`,
  );
  console.log(
    `\nMeasured (median of ${runs}): ${measured.transitions} transitions per publish; task ms ${JSON.stringify(
      Object.fromEntries(Object.entries(publish.msPerTask).map(([k, v]) => [k, Math.round(v)])),
    )}; per publish ${publish.dynamoWrites} DynamoDB writes, ${publish.dynamoReads} reads, ${publish.s3Puts} S3 PUT/LIST/DELETE, ${publish.s3Gets} S3 GET, ${publish.invalidationPathsBefore} changed paths (${publish.invalidationPaths} billed); per tenant-minute of status crediting ${credit.writes} writes, ${credit.reads} reads.`,
  );
  console.log(
    `Notify (median of ${runs}, ${assumptions.subscribersPerTenant} subscribers, ${notify.ranges} ranges): ${transitionsPerNotify(notify.ranges)} transitions per run; task ms ${JSON.stringify(
      Object.fromEntries(Object.entries(notify.msPerTask).map(([k, v]) => [k, Math.round(v)])),
    )} (SES answer time excluded: assumed ${assumptions.sesCallMs} ms); per run ${notify.dynamoWrites} DynamoDB writes, ${notify.dynamoReads} reads, ${notify.s3Gets} S3 GET; per reminder check ${notify.reminder.s3Gets} S3 GET, ${notify.reminder.dynamoReads} DynamoDB reads, ${Math.round(notify.reminder.ms)} ms.`,
  );
  console.log(`Assumptions: ${JSON.stringify(assumptions)}\nPrices (${prices.date}): ${JSON.stringify(prices)}`);
  // dynalite keeps the event loop alive.
  process.exit(0);
}
