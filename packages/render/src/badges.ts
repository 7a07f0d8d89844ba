import {
  type ComponentStatus,
  componentStatusLabels,
  effectiveComponentStatuses,
  type PageIndicator,
  pageStatus,
  type TenantSnapshot,
} from '@upstate/core';

// Status badges, prerendered on every publish (so they are on the CDN, not computed per view):
// an SVG for the page and for each component, in a light and a dark variant, and a shields.io
// "endpoint" JSON for each, for teams that style their badges through shields.io.

export type BadgeTone = 'ok' | 'minor' | 'major' | 'critical' | 'maint';
export type BadgeScheme = 'light' | 'dark';

/** Colour pairs that meet WCAG AA (4.5:1) for the 11px text on them; tested. */
export const badgePalette: Record<BadgeScheme, { label: [string, string] } & Record<BadgeTone, [string, string]>> = {
  light: {
    label: ['#374151', '#ffffff'],
    ok: ['#15803d', '#ffffff'],
    minor: ['#854d0e', '#ffffff'],
    major: ['#c2410c', '#ffffff'],
    critical: ['#b91c1c', '#ffffff'],
    maint: ['#1d4ed8', '#ffffff'],
  },
  dark: {
    label: ['#1f2937', '#f3f4f6'],
    ok: ['#4ade80', '#052e16'],
    minor: ['#facc15', '#422006'],
    major: ['#fb923c', '#431407'],
    critical: ['#f87171', '#450a0a'],
    maint: ['#93c5fd', '#172554'],
  },
};

/** shields.io's named colours closest to each tone. */
const shieldsColor: Record<BadgeTone, string> = {
  ok: 'brightgreen',
  minor: 'yellow',
  major: 'orange',
  critical: 'red',
  maint: 'blue',
};

const toneOfStatus: Record<ComponentStatus, BadgeTone> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maint',
};
const toneOfIndicator: Record<PageIndicator, BadgeTone> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
  maintenance: 'maint',
};

export interface Badge {
  /** Path stem under the site root, e.g. `badges/status` or `badges/components/<id>`. */
  stem: string;
  label: string;
  message: string;
  tone: BadgeTone;
}

const maxLabel = 40;
const clip = (text: string) => (text.length > maxLabel ? `${text.slice(0, maxLabel - 1)}…` : text);

const xmlEscape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

// Advance widths of Verdana at 11px (what shields.io measures with), so text fits its box.
const narrow = new Set([..."fijlrtI!.,:;|'()[]{} "]);
const wide = new Set([...'mwMW@%']);
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += narrow.has(ch) ? 4 : wide.has(ch) ? 10.5 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.8;
  return Math.ceil(width);
}

/** One badge as SVG: `role="img"`, a `<title>` naming label and status, text readable at AA. */
export function badgeSvg(badge: Badge, scheme: BadgeScheme): string {
  const palette = badgePalette[scheme];
  const [labelBg, labelFg] = palette.label;
  const [toneBg, toneFg] = palette[badge.tone];
  const label = clip(badge.label);
  const pad = 6;
  const lw = textWidth(label) + 2 * pad;
  const mw = textWidth(badge.message) + 2 * pad;
  const w = lw + mw;
  const title = xmlEscape(`${label}: ${badge.message}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" viewBox="0 0 ${w} 20" role="img" aria-labelledby="t">` +
    `<title id="t">${title}</title>` +
    `<rect width="${lw}" height="20" rx="3" fill="${labelBg}"/>` +
    `<rect x="${lw}" width="${mw}" height="20" rx="3" fill="${toneBg}"/>` +
    `<rect x="${lw}" width="4" height="20" fill="${toneBg}"/>` +
    `<g font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" aria-hidden="true">` +
    `<text x="${pad}" y="14" fill="${labelFg}">${xmlEscape(label)}</text>` +
    `<text x="${lw + pad}" y="14" fill="${toneFg}">${xmlEscape(badge.message)}</text>` +
    `</g></svg>\n`
  );
}

/** The shields.io endpoint JSON (https://shields.io/badges/endpoint-badge) for one badge. */
export function shieldsEndpoint(badge: Badge): { schemaVersion: 1; label: string; message: string; color: string } {
  return { schemaVersion: 1, label: clip(badge.label), message: badge.message, color: shieldsColor[badge.tone] };
}

/** The page's badge and one per component, from the snapshot. */
export function badges(snapshot: TenantSnapshot): Badge[] {
  const now = new Date(snapshot.generatedAt);
  const page = pageStatus({
    components: snapshot.components,
    incidents: snapshot.incidents,
    maintenances: snapshot.maintenances,
    now,
  });
  const statuses = effectiveComponentStatuses(snapshot.components, snapshot.maintenances, now);
  return [
    {
      stem: 'badges/status',
      label: snapshot.tenant.name,
      message: page.description,
      tone: toneOfIndicator[page.indicator],
    },
    ...snapshot.components.map((c) => {
      const status = statuses.get(c.id) ?? c.status;
      return {
        stem: `badges/components/${encodeURIComponent(c.id)}`,
        label: c.name,
        message: componentStatusLabels[status],
        tone: toneOfStatus[status],
      };
    }),
  ];
}

/** Every badge file: `<stem>.svg` (light), `<stem>-dark.svg` and `<stem>.json` (shields.io). */
export function badgeFiles(snapshot: TenantSnapshot): { path: string; body: string; contentType: string }[] {
  return badges(snapshot).flatMap((b) => [
    { path: `${b.stem}.svg`, body: badgeSvg(b, 'light'), contentType: 'image/svg+xml' },
    { path: `${b.stem}-dark.svg`, body: badgeSvg(b, 'dark'), contentType: 'image/svg+xml' },
    {
      path: `${b.stem}.json`,
      body: JSON.stringify(shieldsEndpoint(b)),
      contentType: 'application/json; charset=utf-8',
    },
  ]);
}
