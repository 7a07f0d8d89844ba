import { parseFeed } from '@rowanmanning/feed-parser';
import { type Incident, IsoDateTime } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { describe, expect, it } from 'vitest';
import { renderSite } from '../src/site.ts';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

// Three updates whose text order is the reverse of their instant order:
// "10:00+05:30" is 04:30Z (oldest), "06:00Z" is 06:00Z, "01:00-08:00" is 09:00Z (newest).
const times = {
  oldest: '2026-12-01T10:00:00+05:30',
  middle: '2026-12-01T06:00:00Z',
  newest: '2026-12-01T01:00:00-08:00',
};

function incident(id: string, name: string, normalise: boolean, updatedAt: string): Incident {
  const base = fixtureSnapshot().incidents[0] as Incident;
  const at = (t: string) => (normalise ? IsoDateTime.parse(t) : t);
  const update = (key: keyof typeof times) => ({
    ...(base.updates[0] as Incident['updates'][number]),
    id: `${id}-${key}`,
    kind: 'update' as const,
    correctsUpdateId: null,
    status: 'identified' as const,
    body: `${name} ${key} update`,
    displayAt: at(times[key]),
    createdAt: at(times[key]),
    componentChanges: [],
  });
  return {
    ...base,
    id,
    name,
    status: 'identified',
    resolvedAt: null,
    createdAt: at(updatedAt),
    updatedAt: at(updatedAt),
    // Stored in posting order, which is not the instant order
    updates: [update('oldest'), update('newest'), update('middle')],
  };
}

describe('times are instants: offsets sort by the moment they name', async () => {
  const snapshot = fixtureSnapshot();
  // One incident through the API boundary (normalised to …Z), one as stored before normalisation.
  const posted = incident('inc-posted', 'Posted', true, times.oldest);
  // Created 08:30Z, written with an offset that sorts first as text
  const legacy = incident('inc-legacy', 'Legacy', false, '2026-12-01T00:30:00-08:00');
  const files = await renderSite({ ...snapshot, incidents: [posted, legacy] });
  const text = (path: string) => decode(files.find((f) => f.path === path)?.body ?? new Uint8Array());
  const order = (haystack: string, name: string) =>
    (['newest', 'middle', 'oldest'] as const)
      .map((k) => [k, haystack.indexOf(`${name} ${k} update`)] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([k, i]) => (i < 0 ? `missing ${k}` : k));

  it('normalises at the boundary to UTC with milliseconds', () => {
    expect(IsoDateTime.parse(times.oldest)).toBe('2026-12-01T04:30:00.000Z');
    expect(IsoDateTime.parse(times.newest)).toBe('2026-12-01T09:00:00.000Z');
    expect(posted.updates.map((u) => u.displayAt)).toEqual([
      '2026-12-01T04:30:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-01T06:00:00.000Z',
    ]);
  });

  it.each(['inc-posted', 'inc-legacy'])('orders the %s timeline on its page newest first', (id) => {
    const name = id === 'inc-posted' ? 'Posted' : 'Legacy';
    expect(order(text(`incidents/${id}/index.html`), name)).toEqual(['newest', 'middle', 'oldest']);
  });

  it('puts the newest update first in the v2 JSON', () => {
    const body = JSON.parse(text('api/v2/incidents.json')) as {
      incidents: { id: string; incident_updates: { body: string }[] }[];
    };
    for (const i of body.incidents.filter((x) => x.id.startsWith('inc-'))) {
      const name = i.id === 'inc-posted' ? 'Posted' : 'Legacy';
      expect(i.incident_updates.map((u) => u.body)).toEqual([
        `${name} newest update`,
        `${name} middle update`,
        `${name} oldest update`,
      ]);
    }
    // Incidents themselves by instant: legacy was created at 08:30Z, posted at 04:30Z
    expect(body.incidents.map((i) => i.id).filter((id) => id.startsWith('inc-'))).toEqual(['inc-legacy', 'inc-posted']);
  });

  it.each(['feed.rss', 'feed.atom'])('orders entries and their updates by instant in %s', (path) => {
    const feed = parseFeed(text(path));
    const titles = feed.items.map((i) => i.title ?? '');
    expect(titles.filter((t) => t === 'Posted' || t === 'Legacy')).toEqual(['Legacy', 'Posted']);
    for (const item of feed.items.filter((i) => i.title === 'Posted' || i.title === 'Legacy')) {
      expect(order(item.content ?? item.description ?? '', item.title ?? '')).toEqual(['newest', 'middle', 'oldest']);
    }
  });
});
