// Recorded Statuspage pages for tests and the bench: a path → JSON map replayed by `recordedSource`.
// No test reaches the internet, and this sandbox cannot either, so the recordings are generated: every
// response has the exact shape of real captured Statuspage v2 JSON (the Discord status page's
// components.json and incidents.json, Emma's incidents.json with its update timeline, and the
// `/history.json?page=N` archive of three months a page that Statuspage pages serve), filled with
// deterministic, realistic content from a seeded generator. The same seed gives the same bytes.
import { AppError, type StatuspageSource } from '@upstate/core';

export type Recording = Record<string, unknown>;

/** Replays a recording; a path it does not hold answers like a 404 would. */
export function recordedSource(url: string, recording: Recording, log?: string[]): StatuspageSource {
  return {
    url,
    async getJson(path) {
      log?.push(path);
      if (!(path in recording))
        throw new AppError('source_unreachable', `${url}/${path} answered 404`, { field: 'url' });
      // A copy, as a fresh HTTP answer would be: the importer must not share objects between runs.
      return structuredClone(recording[path]);
    },
  };
}

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const idChars = 'abcdefghijklmnopqrstuvwxyz0123456789';
const componentNames = [
  'Git Operations',
  'Webhooks',
  'API Requests',
  'Issues',
  'Pull Requests',
  'Actions',
  'Packages',
  'Pages',
  'Codespaces',
  'Copilot',
];
const grouped = ['Voice', 'Media Proxy', 'Push Notifications'];
const symptoms = [
  'Disruption with some services',
  'Incident with Actions',
  'Degraded performance for Pull Requests',
  'Elevated error rates for API Requests',
  'Delayed webhook deliveries',
  'Increased latency in Git Operations',
  'Some users unable to sign in',
  'Messages failing to send',
];
const bodies = {
  investigating: [
    'We are investigating reports of degraded performance for {c}.',
    'We are currently investigating this issue.',
    'Some users are seeing elevated error rates on {c}. We are looking into it.',
  ],
  identified: [
    'The issue has been identified and a fix is being implemented.',
    'We have identified a misconfigured load balancer affecting {c} and are rolling back.',
  ],
  monitoring: [
    'A fix has been implemented and we are monitoring the results.',
    'Error rates for {c} have returned to normal levels. We are continuing to monitor.',
  ],
  resolved: ['This incident has been resolved.', 'This incident has been resolved. Thank you for your patience.'],
} as const;

export interface RecordingOptions {
  /** Incidents over the page's life (the 50 most recent are in incidents.json, all in history.json). */
  incidents: number;
  maintenances?: number;
  seed?: number;
  /** The instant the page was "recorded"; incidents spread over the years before it. */
  recordedAt?: string;
}

/** A Statuspage page recording with `options.incidents` incidents and their full timelines. */
export function statuspageRecording(options: RecordingOptions): Recording {
  const random = prng(options.seed ?? 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const sid = () => Array.from({ length: 12 }, () => pick([...idChars])).join('');
  const recordedAt = Date.parse(options.recordedAt ?? '2026-11-30T12:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
  const page = {
    id: 'kctbh9vrtdwd',
    name: 'Acme Cloud',
    url: 'https://status.acme-cloud.example',
    time_zone: 'Etc/UTC',
    updated_at: iso(recordedAt),
  };
  const created = iso(recordedAt - 6 * 365 * 86_400_000);
  const groupId = sid();
  const components = [
    ...componentNames.map((name, i) => ({
      id: sid(),
      name,
      status: 'operational',
      created_at: created,
      updated_at: iso(recordedAt - 86_400_000),
      position: i + 1,
      description: `Status of ${name}`,
      showcase: true,
      start_date: null,
      group_id: null,
      page_id: page.id,
      group: false,
      only_show_if_degraded: false,
    })),
    ...grouped.map((name, i) => ({
      id: sid(),
      name,
      status: i === 0 ? 'degraded_performance' : 'operational',
      created_at: created,
      updated_at: iso(recordedAt - 3_600_000),
      position: i + 1,
      description: null,
      showcase: false,
      start_date: '2021-03-01',
      group_id: groupId,
      page_id: page.id,
      group: false,
      only_show_if_degraded: false,
    })),
  ];
  const group = {
    id: groupId,
    name: 'Real-time',
    status: 'degraded_performance',
    created_at: created,
    updated_at: iso(recordedAt - 3_600_000),
    position: componentNames.length + 1,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: page.id,
    group: true,
    only_show_if_degraded: false,
    components: components.filter((c) => c.group_id === groupId).map((c) => c.id),
  };
  const allComponents = [...components, group];
  const brief = (c: (typeof components)[number]) => ({ ...c });

  // Incidents, oldest first, spread over the page's life; the newest one is still open.
  const span = 5 * 365 * 86_400_000;
  const incidents = Array.from({ length: options.incidents }, (_, n) => {
    const start = recordedAt - span + Math.floor(((n + random() * 0.8) / options.incidents) * (span - 7_200_000));
    const affected = pick(components);
    const id = sid();
    const open = n === options.incidents - 1;
    const steps = open
      ? (['investigating', 'identified'] as const)
      : random() < 0.5
        ? (['investigating', 'resolved'] as const)
        : (['investigating', 'identified', 'monitoring', 'resolved'] as const);
    let at = start;
    const updates = steps.map((status, i) => {
      at += i === 0 ? 0 : Math.floor(600_000 + random() * 3_000_000);
      const badStatus = pick(['degraded_performance', 'partial_outage', 'major_outage'] as const);
      return {
        id: sid(),
        status,
        body: pick(bodies[status]).replace('{c}', affected.name),
        incident_id: id,
        created_at: iso(at),
        updated_at: iso(at),
        display_at: iso(at),
        affected_components:
          i === 0
            ? [{ code: affected.id, name: affected.name, old_status: 'operational', new_status: badStatus }]
            : status === 'resolved'
              ? [{ code: affected.id, name: affected.name, old_status: badStatus, new_status: 'operational' }]
              : null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      };
    });
    const last = updates.at(-1);
    return {
      id,
      name: `${pick(symptoms)}`,
      status: open ? 'identified' : 'resolved',
      created_at: iso(start),
      updated_at: last?.updated_at ?? iso(start),
      monitoring_at: updates.find((u) => u.status === 'monitoring')?.created_at ?? null,
      resolved_at: open ? null : (last?.created_at ?? null),
      impact: pick(['none', 'minor', 'minor', 'major', 'critical'] as const),
      shortlink: `https://stspg.io/${id.slice(0, 9)}`,
      started_at: iso(start),
      page_id: page.id,
      // Statuspage lists updates newest first.
      incident_updates: [...updates].reverse(),
      components: [brief(affected)],
      reminder_intervals: null,
    };
  });

  const maintenanceCount = options.maintenances ?? 3;
  const maintenances = Array.from({ length: maintenanceCount }, (_, n) => {
    const upcoming = n === maintenanceCount - 1;
    const start = upcoming ? recordedAt + 3 * 86_400_000 : recordedAt - (n + 1) * 30 * 86_400_000;
    const id = sid();
    const target = pick(components);
    const scheduled = {
      id: sid(),
      status: 'scheduled',
      body: `We will be performing scheduled maintenance on ${target.name}. Brief interruptions are possible.`,
      incident_id: id,
      created_at: iso(start - 7 * 86_400_000),
      updated_at: iso(start - 7 * 86_400_000),
      display_at: iso(start - 7 * 86_400_000),
      affected_components: [
        { code: target.id, name: target.name, old_status: 'operational', new_status: 'operational' },
      ],
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    };
    const finished = upcoming
      ? []
      : [
          { ...scheduled, id: sid(), status: 'in_progress', body: 'Scheduled maintenance is currently in progress.' },
          { ...scheduled, id: sid(), status: 'completed', body: 'The scheduled maintenance has been completed.' },
        ].map((u, i) => ({ ...u, created_at: iso(start + i * 3_600_000), display_at: iso(start + i * 3_600_000) }));
    return {
      id,
      name: `${target.name} maintenance`,
      status: upcoming ? 'scheduled' : 'completed',
      created_at: scheduled.created_at,
      updated_at: (finished.at(-1) ?? scheduled).created_at,
      monitoring_at: null,
      resolved_at: upcoming ? null : (finished.at(-1)?.created_at ?? null),
      impact: 'maintenance',
      shortlink: `https://stspg.io/${id.slice(0, 9)}`,
      started_at: iso(start),
      page_id: page.id,
      incident_updates: [...finished, scheduled].reverse(),
      components: [brief(target)],
      scheduled_for: iso(start),
      scheduled_until: iso(start + 2 * 3_600_000),
      scheduled_remind_prior: true,
      scheduled_reminded_at: null,
      impact_override: null,
      scheduled_auto_in_progress: true,
      scheduled_auto_completed: true,
    };
  });

  const newestFirst = [...incidents].reverse();
  const recording: Recording = {
    'api/v2/summary.json': {
      page,
      components: allComponents,
      incidents: newestFirst.filter((i) => i.status !== 'resolved'),
      scheduled_maintenances: maintenances.filter((m) => m.status !== 'completed'),
      status: { indicator: 'minor', description: 'Minor Service Outage' },
    },
    'api/v2/incidents.json': { page, incidents: newestFirst.slice(0, 50) },
    'api/v2/scheduled-maintenances.json': { page, scheduled_maintenances: [...maintenances].reverse() },
  };
  for (const incident of incidents) recording[`api/v2/incidents/${incident.id}.json`] = { page, incident };

  // history.json: pages of three calendar months, newest first, until one comes back empty.
  const monthKey = (iso: string) => iso.slice(0, 7);
  const months = [...new Set(newestFirst.map((i) => monthKey(i.created_at)))];
  const monthName = (key: string) =>
    new Date(`${key}-01T00:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  let pageNo = 1;
  for (let i = 0; i < months.length; i += 3, pageNo++) {
    recording[`history.json?page=${pageNo}`] = {
      page,
      months: months.slice(i, i + 3).map((key) => ({
        name: monthName(key),
        year: Number(key.slice(0, 4)),
        incidents: newestFirst
          .filter((inc) => monthKey(inc.created_at) === key)
          .map((inc) => ({
            code: inc.id,
            name: inc.name,
            message: inc.incident_updates[0]?.body ?? '',
            impact: inc.impact,
            timestamp: `${monthName(key).slice(0, 3)} <var data-var='date'>${Number(inc.created_at.slice(8, 10))}</var>`,
          })),
      })),
    };
  }
  recording[`history.json?page=${pageNo}`] = { page, months: [] };
  return recording;
}
