import type {
  Author,
  Component,
  ComponentGroup,
  DailyRollup,
  Incident,
  Maintenance,
  TenantSnapshot,
} from './schemas.ts';
import { defaultBranding } from './schemas.ts';
import { addDays, utcDay } from './uptime.ts';

// Deterministic fixture tenants for tests, goldens and benchmarks (no randomness, fixed ids).

export interface FixtureOptions {
  now?: string;
  components?: number;
  activeIncidents?: number;
  resolvedIncidents?: number;
  days?: number;
  tenantId?: string;
  slug?: string;
  name?: string;
}

const author: Author = { kind: 'user', id: 'user-1', label: 'ops@example.com' };

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

export function fixtureSnapshot(options: FixtureOptions = {}): TenantSnapshot {
  const now = options.now ?? '2026-11-20T12:00:00.000Z';
  const today = utcDay(new Date(now));
  const days = options.days ?? 90;
  const tenantId = options.tenantId ?? 'tenant-acme';
  const componentCount = options.components ?? 10;
  const start = addDays(today, -(days - 1));
  const created = `${start}T00:00:00.000Z`;

  const groups: ComponentGroup[] = [
    {
      id: 'grp-core',
      tenantId,
      name: 'Core platform',
      description: 'APIs and web apps',
      position: 1,
      createdAt: created,
      updatedAt: created,
    },
    {
      id: 'grp-infra',
      tenantId,
      name: 'Infrastructure',
      description: null,
      position: 3,
      createdAt: created,
      updatedAt: created,
    },
  ];
  const names = [
    'API',
    'Dashboard',
    'Billing',
    'Webhooks',
    'Search',
    'Email delivery',
    'CDN',
    'Database',
    'Auth',
    'Analytics',
    'Exports',
    'Imports',
  ];
  const components: Component[] = [];
  for (let i = 0; i < componentCount; i++) {
    const groupId = i < 4 ? 'grp-core' : i < 7 ? 'grp-infra' : null;
    components.push({
      id: `cmp-${pad(i)}`,
      tenantId,
      groupId,
      name: names[i % names.length] + (i >= names.length ? ` ${i}` : ''),
      description: i % 3 === 0 ? `What ${names[i % names.length]} does for you` : null,
      position: i,
      status: i === 1 ? 'partial_outage' : i === 5 ? 'degraded_performance' : 'operational',
      statusSource: 'manual',
      onlyShowIfDegraded: false,
      showUptime: true,
      startDate: i === componentCount - 1 ? addDays(today, -20) : start,
      createdAt: created,
      updatedAt: now,
    });
  }

  const rollups: DailyRollup[] = [];
  for (const c of components) {
    for (let d = 0; d < days; d++) {
      const day = addDays(today, -d);
      if (day < c.startDate) continue;
      const full = d === 0 ? 12 * 60 : 1440;
      const seed = (Number.parseInt(c.id.slice(4), 10) * 31 + d * 17) % 97;
      const minutes: DailyRollup['minutes'] = {};
      if (seed === 3) {
        minutes.major_outage = 45;
        minutes.operational = full - 45;
      } else if (seed === 7 || seed === 11) {
        minutes.partial_outage = 120;
        minutes.operational = full - 120;
      } else if (seed === 13) {
        minutes.degraded_performance = 300;
        minutes.under_maintenance = 60;
        minutes.operational = full - 360;
      } else {
        minutes.operational = full;
      }
      rollups.push({ componentId: c.id, day, minutes });
    }
  }

  const incidents: Incident[] = [];
  const active = options.activeIncidents ?? 3;
  for (let i = 0; i < active; i++) {
    const at = new Date(Date.parse(now) - (i + 1) * 3_600_000).toISOString();
    const later = new Date(Date.parse(at) + 1_200_000).toISOString();
    const componentId = components[i % components.length]?.id ?? 'cmp-000';
    incidents.push({
      id: `inc-active-${i}`,
      tenantId,
      name:
        ['Elevated API error rates', 'Dashboard loading slowly', 'Delayed webhook delivery'][i % 3] ?? `Incident ${i}`,
      impact: i === 0 ? 'major' : 'minor',
      status: i === 0 ? 'identified' : 'investigating',
      componentIds: [componentId],
      createdAt: at,
      updatedAt: i === 0 ? later : at,
      resolvedAt: null,
      updates: [
        {
          id: `upd-a${i}-1`,
          kind: 'update',
          status: 'investigating',
          body: 'We are **investigating** reports of errors. See [our docs](https://docs.example.com/errors).',
          displayAt: at,
          createdAt: at,
          author,
          componentChanges: [{ componentId, oldStatus: 'operational', newStatus: 'partial_outage' }],
          correctsUpdateId: null,
        },
        ...(i === 0
          ? [
              {
                id: `upd-a${i}-2`,
                kind: 'update' as const,
                status: 'identified' as const,
                body: 'The issue has been identified: a faulty deploy.\n\n- rolled back\n- watching error rates',
                displayAt: later,
                createdAt: later,
                author,
                componentChanges: [],
                correctsUpdateId: null,
              },
            ]
          : []),
      ],
      version: i === 0 ? 2 : 1,
    });
  }
  const resolved = options.resolvedIncidents ?? 4;
  for (let i = 0; i < resolved; i++) {
    const at = `${addDays(today, -(5 + i * 9))}T09:15:00.000Z`;
    const t = (m: number) => new Date(Date.parse(at) + m * 60_000).toISOString();
    incidents.push({
      id: `inc-past-${i}`,
      tenantId,
      name:
        ['Login failures for some users', 'Billing emails delayed', 'Search index lag', 'Partial API outage'][i % 4] ??
        `Past ${i}`,
      impact: (['minor', 'major', 'minor', 'critical'] as const)[i % 4] ?? 'minor',
      status: 'resolved',
      componentIds: ['cmp-000'],
      createdAt: at,
      updatedAt: t(95),
      resolvedAt: t(95),
      updates: (['investigating', 'identified', 'monitoring', 'resolved'] as const).map((status, n) => ({
        id: `upd-p${i}-${n}`,
        kind: 'update' as const,
        status,
        body: `${status[0]?.toUpperCase()}${status.slice(1)}: update ${n + 1} for this incident.`,
        displayAt: t(n * 30 + (n === 3 ? 5 : 0)),
        createdAt: t(n * 30 + (n === 3 ? 5 : 0)),
        author,
        componentChanges:
          n === 0
            ? [{ componentId: 'cmp-000', oldStatus: 'operational' as const, newStatus: 'major_outage' as const }]
            : n === 3
              ? [{ componentId: 'cmp-000', oldStatus: 'major_outage' as const, newStatus: 'operational' as const }]
              : [],
        correctsUpdateId: null,
      })),
      version: 4,
    });
  }
  incidents.sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const upcomingAt = new Date(Date.parse(now) + 3 * 86_400_000).toISOString();
  const maintenances: Maintenance[] = [
    {
      id: 'mnt-upcoming',
      tenantId,
      name: 'Database upgrade',
      status: 'scheduled',
      impact: 'minor',
      componentIds: components.slice(7, 8).map((c) => c.id),
      scheduledFor: upcomingAt,
      scheduledUntil: new Date(Date.parse(upcomingAt) + 2 * 3_600_000).toISOString(),
      autoStart: true,
      autoComplete: true,
      createdAt: now,
      updatedAt: now,
      updates: [
        {
          id: 'mup-1',
          status: 'scheduled',
          body: 'We will upgrade the primary database. Expect brief read-only periods.',
          displayAt: now,
          createdAt: now,
          author,
        },
      ],
      version: 1,
    },
  ];

  return {
    tenant: {
      id: tenantId,
      slug: options.slug ?? 'acme',
      name: options.name ?? 'Acme Cloud',
      timezone: 'Europe/Berlin',
      createdAt: created,
    },
    branding: {
      ...defaultBranding,
      brandColor: '#4f46e5',
      footerLinks: [
        { label: 'Acme home', url: 'https://acme.example.com' },
        { label: 'Support', url: 'mailto:support@acme.example.com' },
      ],
    },
    baseUrl: `https://${options.slug ?? 'acme'}.status.example.com`,
    groups,
    components,
    incidents,
    maintenances,
    rollups,
    contentVersion: 7,
    generatedAt: now,
  };
}
