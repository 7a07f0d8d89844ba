import { byInstant, isIncidentOpen, publicTimeline, type TenantSnapshot, timelineStatusLabels } from '@upstate/core';
import { Feed } from 'feed';
import { renderMarkdown } from './markdown.ts';

/** RSS 2.0 and Atom 1.0 of the 50 most recent incidents and maintenance, built with `feed`. */
export function buildFeeds(snapshot: TenantSnapshot): { rss: string; atom: string } {
  const base = snapshot.baseUrl;
  const feed = new Feed({
    title: `${snapshot.tenant.name} status`,
    description: `Incidents and scheduled maintenance of ${snapshot.tenant.name}`,
    id: `${base}/`,
    link: `${base}/`,
    language: 'en',
    updated: new Date(snapshot.generatedAt),
    generator: 'Upstate',
    copyright: snapshot.tenant.name,
    feedLinks: { rss: `${base}/feed.rss`, atom: `${base}/feed.atom` },
    ...(snapshot.branding.faviconUrl ? { favicon: snapshot.branding.faviconUrl } : {}),
  });
  const entries = [
    ...snapshot.incidents.map((i) => ({
      id: `${base}/incidents/${i.id}/`,
      title: `${i.name}${isIncidentOpen(i.status) ? '' : ` (${timelineStatusLabels[i.status]})`}`,
      date: i.updatedAt,
      published: i.createdAt,
      html: publicTimeline(i)
        .map(
          (u) => `<p><strong>${timelineStatusLabels[u.status]}</strong> (${u.displayAt})</p>${renderMarkdown(u.body)}`,
        )
        .join(''),
    })),
    ...snapshot.maintenances.map((m) => ({
      id: `${base}/maintenance/${m.id}/`,
      title: `Scheduled maintenance: ${m.name}`,
      date: m.updatedAt,
      published: m.createdAt,
      html: `<p>${m.scheduledFor} – ${m.scheduledUntil}</p>${m.updates.map((u) => renderMarkdown(u.body)).join('')}`,
    })),
  ]
    .sort((a, b) => byInstant(b.date, a.date))
    .slice(0, 50);
  for (const e of entries) {
    feed.addItem({
      title: e.title,
      id: e.id,
      link: e.id,
      date: new Date(e.date),
      published: new Date(e.published),
      content: e.html,
      description: e.title,
    });
  }
  return { rss: feed.rss2(), atom: feed.atom1() };
}
