// Notifying 10,000 confirmed email subscribers of one tenant about one incident update posted through
// the API, on the stand-ins (dynalite, s3rver, aws-local-stepfunctions for both workflows,
// aws-ses-v2-local), medians of several runs:
// - from the page commit (the publisher's notify hook) to the last SES accept,
// - from the API's 2xx to the last SES accept,
// - duplicates (messages to one address for one update beyond the first): must be 0.
// Each run also prints where the time went: summed durations (calls overlap, so these are busy time,
// not wall time) of subscriber reads, claims, rendering, the SES calls and delivery log writes.
// Run: pnpm --filter @upstate/notifier bench [-- --subscribers 10000 --runs 3] [--single] (one SendEmail each)
import { parseArgs } from 'node:util';
import { createApp } from '@upstate/api';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { createSesMailer } from '@upstate/aws';
import { startS3rver, startSesLocal } from '@upstate/aws/testing';
import { type BulkMailer, type Mailer, newId, type Subscriber } from '@upstate/core';
import { createLocalPublisher } from '@upstate/publisher';
import { ensureTheme } from '@upstate/render';
import { tokenHash } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { createLocalNotifier } from './local-notifier.ts';
import { createSenders } from './senders.ts';

const { values } = parseArgs({
  // `pnpm bench -- --runs 1` passes the separator on.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    subscribers: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    single: { type: 'boolean', default: false },
    // Tuning knobs (defaults: the notifier's own): subscribers per Map item, email claims in flight per item.
    'range-size': { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const subscriberCount = Number(values.subscribers);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

await ensureTheme('default');
const s3 = await startS3rver();
const ses = await startSesLocal();
const { store } = await createTestStore();

// Summed duration and count per phase, by wrapping the object methods each phase runs through.
const phases = new Map<string, { ms: number; calls: number }>();
function timed<T extends object>(target: T, method: keyof T & string, phase: string): void {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const started = performance.now();
    try {
      return await original(...args);
    } finally {
      const p = phases.get(phase) ?? { ms: 0, calls: 0 };
      p.ms += performance.now() - started;
      p.calls++;
      phases.set(phase, p);
    }
  };
}
const phaseReport = () =>
  [...phases].map(([phase, { ms, calls }]) => `${phase} ${(ms / 1000).toFixed(1)} s/${calls}`).join(', ');

timed(ses.client, 'send', 'ses call');
const sesMailer = createSesMailer({ client: ses.client });
timed(sesMailer, 'send', 'mailer.send (mime + ses)');
timed(sesMailer, 'sendBulk', 'mailer.sendBulk (template + ses)');
let lastAccept = 0;
const sentTo = new Map<string, number>();
const count = (subject: string, to: string) => {
  const key = `${subject}\n${to}`;
  sentTo.set(key, (sentTo.get(key) ?? 0) + 1);
};
const mailer: Mailer & Partial<BulkMailer> = {
  async send(email) {
    const result = await sesMailer.send(email);
    lastAccept = Date.now();
    count(email.subject, email.to);
    return result;
  },
  ...(values.single
    ? {}
    : {
        maxRecipients: sesMailer.maxRecipients,
        async sendBulk(email) {
          const results = await sesMailer.sendBulk(email);
          lastAccept = Date.now();
          email.recipients.forEach((r, i) => {
            if (results[i] && 'messageId' in results[i]) count(email.subject, r.to);
          });
          return results;
        },
      }),
};
for (const [method, phase] of [
  ['claim', 'claim'],
  ['beginAttempt', 'attempt'],
  ['settle', 'log write'],
  ['settleMany', 'log write (batch)'],
] as const) {
  timed(store.deliveries, method, phase);
}
timed(store.subscribers, 'inRange', 'subscriber reads');
const senders = createSenders({ mailer, policy: { allowPrivateTargets: false, resolveHost: async () => [] } });
timed(senders, 'send', 'senders.send (render + mailer)');
if (senders.bulkEmail) timed(senders.bulkEmail, 'send', 'bulk send (render + mailer)');
const notifier = createLocalNotifier({
  store,
  s3: s3.client,
  bucket: s3.bucket,
  senders,
  ...(values['range-size'] ? { rangeSize: Number(values['range-size']) } : {}),
  ...(values.concurrency ? { claimConcurrency: Number(values.concurrency) } : {}),
  links: { apiBase: 'http://api.bench.test', linkSecret: 'bench-link-secret' },
  mailDomain: 'bench.test',
});
const committedAt = new Map<number, number>();
const publisher = createLocalPublisher({
  store,
  s3: s3.client,
  bucket: s3.bucket,
  invalidator: { async invalidate() {} },
  notifyTrigger: {
    async requestNotify(tenantId, version) {
      committedAt.set(version, Date.now());
      await notifier.trigger.requestNotify(tenantId, version);
    },
  },
});
const accountMailer = recordingMailer();
const app = createApp({
  store,
  mailer: accountMailer,
  publishTrigger: publisher.trigger,
  dnsResolver: { resolveTxt: async () => [] },
  config: { rateLimitPerMinute: 1_000_000 },
});
const call = async (method: string, path: string, key: string | null, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

const { body: signup } = await signUpAndVerify(app, accountMailer, {
  name: 'Bench Co',
  slug: 'bench',
  email: 'owner@bench.test',
  password: 'correct horse battery staple',
});
const key = (signup.apiKey as { key: string }).key;
const tenantId = (signup.tenant as { id: string }).id;
const incident = await call('POST', '/v1/incidents', key, {
  name: 'Bench incident',
  impact: 'minor',
  body: 'Starting.',
});
await publisher.idle();
await notifier.idle();

const seedStarted = performance.now();
const now = new Date().toISOString();
for (let i = 0; i < subscriberCount; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, subscriberCount - i) }, (_, j) => {
      const s: Subscriber = {
        id: newId(),
        tenantId,
        channel: 'email',
        target: `reader${i + j}@bench.test`,
        status: 'confirmed',
        scope: { componentIds: null, componentUpdates: false },
        createdAt: now,
        confirmedAt: now,
        failures: 0,
        disabledAt: null,
        secret: null,
      };
      return store.subscribers.create(s, tokenHash(s.id));
    }),
  );
}
console.log(
  `seeded ${subscriberCount} confirmed subscribers in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
);

const fromCommit: number[] = [];
const fromApi: number[] = [];
let duplicates = 0;
for (let run = 1; run <= runs; run++) {
  await ses.clear();
  sentTo.clear();
  phases.clear();
  const versionsBefore = new Set(committedAt.keys());
  const label = `Update ${run} ${newId()}`;
  await call('POST', `/v1/incidents/${incident.id}/updates`, key, { status: 'identified', body: label });
  const api2xx = Date.now();
  await publisher.idle();
  await notifier.idle();
  const commit = Math.min(...[...committedAt].filter(([v]) => !versionsBefore.has(v)).map(([, at]) => at));
  const mine = [...sentTo].filter(([k]) => k.includes('Identified'));
  const delivered = mine.length;
  duplicates += mine.reduce((n, [, count]) => n + count - 1, 0);
  const mailbox = (await ses.messages()).length;
  fromCommit.push(lastAccept - commit);
  fromApi.push(lastAccept - api2xx);
  console.log(
    `run ${run}: ${delivered} addresses, ${mailbox} in the mailbox, commit→last accept ${((lastAccept - commit) / 1000).toFixed(1)} s, 2xx→last accept ${((lastAccept - api2xx) / 1000).toFixed(1)} s`,
  );
  console.log(`  phases: ${phaseReport()}`);
  if (delivered !== subscriberCount || mailbox !== subscriberCount)
    throw new Error(`run ${run} reached ${delivered}/${mailbox} of ${subscriberCount}`);
}
console.log(
  `median of ${runs}: commit→last SES accept ${(median(fromCommit) / 1000).toFixed(1)} s, API 2xx→last SES accept ${(median(fromApi) / 1000).toFixed(1)} s, duplicates ${duplicates} (target ≤ 60 s, 0 duplicates)`,
);
publisher.close();
notifier.close();
await ses.close();
await s3.close();
process.exit(0);
