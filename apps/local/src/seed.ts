import { randomBytes } from 'node:crypto';
import { type ApiConfig, createApp, newApiKey, recordingPublishTrigger } from '@upstate/api';
import { recordingMailer, signUpAndVerify } from '@upstate/api/testing';
import { addDays, type ComponentStatus, newId, utcDay } from '@upstate/core';
import type { Store } from '@upstate/store';

/** What `npm start` shows again on later runs (kept in the git-ignored data folder). */
export interface DemoCredentials {
  slug: string;
  tenantId: string;
  apiKey: string;
  email: string;
  password: string;
  /** The component the printed curl command marks as degraded. */
  apiComponentId: string;
}

type Call = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

function caller(request: (path: string, init: RequestInit) => Promise<Response>, key?: () => string): Call {
  return async (method, path, body) => {
    const res = await request(path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key()}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(`seeding: ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
}

const minute = 60_000;
const id = (json: Record<string, unknown>) => json.id as string;

/** Bad days in the 90-day history: [days ago, component, status, minutes]. */
const badDays: [number, string, ComponentStatus, number][] = [
  [61, 'Database', 'major_outage', 38],
  [33, 'Email notifications', 'degraded_performance', 190],
  [12, 'REST API', 'partial_outage', 72],
  [4, 'Search', 'degraded_performance', 25],
  // Today: the active incident below, degraded for the last 35 minutes.
  [0, 'Webhooks', 'degraded_performance', 35],
];

/**
 * Seeds the demo tenant through the API. History (sign-up 91 days ago, past incidents with their
 * timelines) goes through an in-process instance of the same API whose clock is set to the past,
 * because the live API stamps every write with the current time by design (audit trail). Daily
 * rollups have no API (the checker writes them), so they go to the store. Current state (the
 * active incident, upcoming maintenance, the monitor) goes through the live HTTP API.
 */
export async function seedDemo(options: {
  store: Store;
  /** The live API, e.g. `http://127.0.0.1:3000`. */
  apiBase: string;
  /** The URL the demo monitor checks (a small target served by the local API). */
  monitorTarget: string;
  config: Partial<ApiConfig>;
  now?: Date;
}): Promise<DemoCredentials> {
  const { store } = options;
  const now = options.now ?? new Date();
  let clock = new Date(now.getTime() - 91 * 86_400_000);
  const seedMailer = recordingMailer();
  const past = createApp({
    store,
    publishTrigger: recordingPublishTrigger(),
    dnsResolver: {
      async resolveTxt() {
        throw Object.assign(new Error('no DNS while seeding'), { code: 'ENOTFOUND' });
      },
    },
    now: () => clock,
    config: options.config,
    log: () => {},
    // The seed confirms its own demo address: its verification email never leaves the process.
    mailer: seedMailer,
  });
  let apiKey = '';
  const history = caller(
    async (path, init) => past.request(path, init),
    () => apiKey,
  );
  const live = caller(
    (path, init) => fetch(`${options.apiBase}${path}`, init),
    () => apiKey,
  );
  const today = utcDay(now);
  const at = (daysAgo: number, hhmm: string, plusMinutes = 0) =>
    new Date(Date.parse(`${addDays(today, -daysAgo)}T${hhmm}:00Z`) + plusMinutes * minute);

  const password = randomBytes(12).toString('base64url');
  const email = 'demo@example.com';
  const { body: signup } = await signUpAndVerify(past, seedMailer, {
    name: 'Demo Cloud',
    slug: 'demo',
    email,
    password,
    timezone: 'Europe/London',
  });
  apiKey = (signup.apiKey as { key: string }).key;
  const tenantId = (signup.tenant as { id: string }).id;
  await history('PATCH', '/v1/tenant', {
    branding: { brandColor: '#4f46e5', footerLinks: [{ label: 'Support', url: 'mailto:support@example.com' }] },
  });

  const startDate = addDays(today, -90);
  const components = new Map<string, string>();
  const layout: [group: string | null, names: string[]][] = [
    ['Core platform', ['Website', 'REST API', 'Dashboard']],
    ['Data', ['Database', 'Search']],
    [null, ['Webhooks', 'Email notifications']],
  ];
  for (const [group, names] of layout) {
    const groupId = group ? id(await history('POST', '/v1/component-groups', { name: group })) : null;
    for (const name of names) {
      const component = await history('POST', '/v1/components', { name, groupId, startDate });
      components.set(name, id(component));
    }
  }
  const component = (name: string) => components.get(name) as string;

  // Past incidents, each with the full timeline a support team would have posted.
  const timeline = async (
    start: Date,
    incident: { name: string; impact: string; component: string; status: ComponentStatus },
    steps: [minutesAfter: number, status: string, body: string][],
  ) => {
    clock = start;
    const [first, ...rest] = steps;
    const created = await history('POST', '/v1/incidents', {
      name: incident.name,
      impact: incident.impact,
      status: first?.[1],
      body: first?.[2],
      components: [{ componentId: component(incident.component), status: incident.status }],
    });
    for (const [after, status, body] of rest) {
      clock = new Date(start.getTime() + after * minute);
      await history('POST', `/v1/incidents/${id(created)}/updates`, {
        status,
        body,
        ...(status === 'resolved'
          ? { components: [{ componentId: component(incident.component), status: 'operational' }] }
          : {}),
      });
    }
  };
  await timeline(
    at(61, '03:12'),
    { name: 'Database failover', impact: 'major', component: 'Database', status: 'major_outage' },
    [
      [0, 'investigating', 'The primary database is not accepting connections. We are investigating.'],
      [9, 'identified', 'The primary lost its storage volume. We are failing over to the standby.'],
      [38, 'resolved', 'Failover complete; all writes since 03:12 UTC were preserved. No data was lost.'],
    ],
  );
  await timeline(
    at(33, '09:30'),
    {
      name: 'Delayed email notifications',
      impact: 'minor',
      component: 'Email notifications',
      status: 'degraded_performance',
    },
    [
      [0, 'investigating', 'Notification emails are arriving up to 20 minutes late.'],
      [95, 'monitoring', 'Our email provider has cleared its queue backlog. Delivery times are recovering.'],
      [190, 'resolved', 'Emails are delivered within seconds again.'],
    ],
  );
  await timeline(
    at(12, '14:05'),
    { name: 'Elevated API error rates', impact: 'major', component: 'REST API', status: 'partial_outage' },
    [
      [0, 'investigating', 'We are investigating elevated `5xx` error rates on the REST API.'],
      [18, 'identified', 'A faulty rate-limiter release rejects valid requests. We are rolling it back.'],
      [41, 'monitoring', 'The rollback is complete and error rates are back to normal. We are monitoring.'],
      [72, 'resolved', 'Between 14:05 and 15:17 UTC about 4% of API requests failed with `503`.'],
      [
        2 * 1440,
        'postmortem',
        '**What happened:** a rate-limiter release counted retries twice.\n\n**What we changed:**\n\n- canary releases for the limiter\n- an alert on the 503 ratio per region',
      ],
    ],
  );

  // 90 days of daily rollups (what the checker would have recorded), with the bad days above.
  const sinceMidnight = Math.floor((now.getTime() - Date.parse(`${today}T00:00:00Z`)) / minute);
  const writes: (() => Promise<void>)[] = [];
  for (const [name, componentId] of components) {
    for (let daysAgo = 90; daysAgo >= 0; daysAgo--) {
      const day = addDays(today, -daysAgo);
      const observed = daysAgo === 0 ? sinceMidnight : 1440;
      const bad = badDays.find(([d, c]) => d === daysAgo && c === name);
      const badMinutes = bad ? Math.min(bad[3], observed) : 0;
      if (bad && badMinutes > 0)
        writes.push(() => store.rollups.addMinutes(tenantId, componentId, day, bad[2], badMinutes));
      if (observed - badMinutes > 0)
        writes.push(() => store.rollups.addMinutes(tenantId, componentId, day, 'operational', observed - badMinutes));
    }
  }
  for (let i = 0; i < writes.length; i += 16) await Promise.all(writes.slice(i, i + 16).map((w) => w()));

  // The present, through the live API: this is what publishes the page.
  const active = await live('POST', '/v1/incidents', {
    name: 'Delayed webhook deliveries',
    impact: 'minor',
    status: 'investigating',
    body: 'Some webhook deliveries are delayed by a few minutes. We are investigating.',
    components: [{ componentId: component('Webhooks'), status: 'degraded_performance' }],
    displayAt: new Date(now.getTime() - 35 * minute).toISOString(),
  });
  await live('POST', `/v1/incidents/${id(active)}/updates`, {
    status: 'identified',
    body: 'A slow consumer is holding up one delivery queue. We are adding capacity; no webhooks are lost.',
  });
  const maintenanceStart = at(-3, '02:00');
  await live('POST', '/v1/maintenances', {
    name: 'Database upgrade',
    impact: 'minor',
    componentIds: [component('Database')],
    scheduledFor: maintenanceStart.toISOString(),
    scheduledUntil: new Date(maintenanceStart.getTime() + 120 * minute).toISOString(),
    body: 'We are upgrading the database cluster. Writes may pause for up to a minute; reads are unaffected.',
  });
  await live('POST', '/v1/monitors', {
    componentId: component('Website'),
    name: 'Website health check',
    config: {
      kind: 'http',
      url: options.monitorTarget,
      method: 'GET',
      expectedStatus: { min: 200, max: 299 },
      keyword: 'ok',
      timeoutMs: 5000,
      followRedirects: false,
      headers: {},
      degradedThresholdMs: 2000,
    },
    intervalSeconds: 60,
  });
  return { slug: 'demo', tenantId, apiKey, email, password, apiComponentId: component('REST API') };
}

/** A new admin key for an existing demo tenant whose saved credentials were lost. */
export async function reissueDemoKey(store: Store): Promise<DemoCredentials> {
  const record = await store.tenants.getBySlug('demo');
  if (!record) throw new Error('no demo tenant');
  const tenantId = record.tenant.id;
  const secret = newApiKey();
  await store.apiKeys.create({
    id: newId(),
    tenantId,
    name: 'Demo key (reissued by npm start)',
    scopes: ['admin'],
    prefix: secret.prefix,
    hash: secret.hash,
    createdAt: new Date().toISOString(),
  });
  const components = await store.components.list(tenantId);
  return {
    slug: 'demo',
    tenantId,
    apiKey: secret.key,
    email: 'demo@example.com',
    password: '(unknown)',
    apiComponentId: (components.find((c) => c.name === 'REST API') ?? components[0])?.id ?? '',
  };
}
