import { byInstant, isIncidentOpen, publicTimeline, type TenantSnapshot, timelineStatusLabels } from '@upstate/core';
import { renderMarkdown } from '@upstate/theme-base/markdown';
import { create } from 'xmlbuilder2';

/** `history` is Statuspage's path (`/history.rss`, `/history.atom`); `feed` is the original one. */
export const feedNames = ['history', 'feed'] as const;
export type FeedName = (typeof feedNames)[number];

/**
 * RSS 2.0 and Atom 1.0 of the 50 most recent incidents and maintenance, written with `xmlbuilder2`
 * (which escapes every text node). Names are untrusted tenant text: Atom titles are `type="text"`
 * and RSS titles plain XML text, so `<img onerror=…>` in a name is shown, never parsed as HTML.
 * Only the update bodies, already reduced to the safe Markdown subset, travel as HTML.
 */
export function buildFeeds(snapshot: TenantSnapshot, name: FeedName = 'history'): { rss: string; atom: string } {
  const base = snapshot.baseUrl;
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
  const title = `${snapshot.tenant.name} status`;
  const description = `Incidents and scheduled maintenance of ${snapshot.tenant.name}`;
  const updated = new Date(snapshot.generatedAt);

  const atom = create({ version: '1.0', encoding: 'utf-8' }).ele('feed', { xmlns: 'http://www.w3.org/2005/Atom' });
  atom.ele('id').txt(`${base}/`);
  atom.ele('title', { type: 'text' }).txt(title);
  atom.ele('subtitle', { type: 'text' }).txt(description);
  atom.ele('updated').txt(updated.toISOString());
  atom.ele('generator').txt('Upstate');
  atom.ele('link', { rel: 'alternate', href: `${base}/` });
  atom.ele('link', { rel: 'self', href: `${base}/${name}.atom` });
  if (snapshot.branding.faviconUrl) atom.ele('icon').txt(snapshot.branding.faviconUrl);
  atom.ele('rights', { type: 'text' }).txt(snapshot.tenant.name);
  atom.ele('author').ele('name').txt(snapshot.tenant.name);
  for (const e of entries) {
    const entry = atom.ele('entry');
    entry.ele('title', { type: 'text' }).txt(e.title);
    entry.ele('id').txt(e.id);
    entry.ele('link', { rel: 'alternate', href: e.id });
    entry.ele('updated').txt(new Date(e.date).toISOString());
    entry.ele('published').txt(new Date(e.published).toISOString());
    entry.ele('summary', { type: 'text' }).txt(e.title);
    entry.ele('content', { type: 'html' }).txt(e.html);
  }

  const rss = create({ version: '1.0', encoding: 'utf-8' })
    .ele('rss', { version: '2.0', 'xmlns:atom': 'http://www.w3.org/2005/Atom' })
    .ele('channel');
  rss.ele('title').txt(title);
  rss.ele('link').txt(`${base}/`);
  rss.ele('description').txt(description);
  rss.ele('language').txt('en');
  rss.ele('lastBuildDate').txt(updated.toUTCString());
  rss.ele('generator').txt('Upstate');
  rss.ele('copyright').txt(snapshot.tenant.name);
  rss.ele('atom:link', { href: `${base}/${name}.rss`, rel: 'self', type: 'application/rss+xml' });
  for (const e of entries) {
    const item = rss.ele('item');
    item.ele('title').txt(e.title);
    item.ele('link').txt(e.id);
    item.ele('guid', { isPermaLink: 'true' }).txt(e.id);
    item.ele('pubDate').txt(new Date(e.published).toUTCString());
    item.ele('description').txt(e.html);
  }
  return { rss: rss.end({ prettyPrint: true }), atom: atom.end({ prettyPrint: true }) };
}
