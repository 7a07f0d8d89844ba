import { parseFeed } from '@rowanmanning/feed-parser';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { buildFeeds, feedNames } from './feeds.ts';

// Issue 14 item 11: names are tenant text. Both feeds must carry them as text, so a feed reader
// shows `<img src=x onerror=…>` literally instead of running it.

const hostile = [
  '<img src=x onerror=alert(1)>',
  '</title><script>alert(1)</script>',
  ']]><script>alert(1)</script><![CDATA[',
  '"quotes" & <b>bold</b>',
];

function hostileSnapshot() {
  const snapshot = fixtureSnapshot();
  snapshot.tenant.name = `Acme ${hostile[0]}`;
  snapshot.incidents = snapshot.incidents.map((incident, i) => ({
    ...incident,
    name: hostile[i % hostile.length] ?? 'x',
  }));
  snapshot.maintenances = snapshot.maintenances.map((m) => ({ ...m, name: hostile[1] ?? 'x' }));
  return snapshot;
}

/** Elements a reader would create if it treated the text as HTML. */
function liveElements(text: string): string[] {
  const names: string[] = [];
  const walk = (nodes: { type: string; name?: string; children?: unknown[] }[]) => {
    for (const n of nodes) {
      if (n.type === 'tag' || n.type === 'script') names.push(n.name ?? '');
      if (n.children) walk(n.children as never);
    }
  };
  walk(parseDocument(text).children as never);
  return names;
}

describe('feeds carry names as text', () => {
  const snapshot = hostileSnapshot();
  const { rss, atom } = buildFeeds(snapshot);

  it.each([
    ['RSS', rss],
    ['Atom', atom],
  ])('%s: a real feed parser reads every hostile name back exactly, as text', (_, xml) => {
    const feed = parseFeed(xml);
    expect(feed.title).toBe(`${snapshot.tenant.name} status`);
    const titles = feed.items.map((i) => i.title);
    for (const name of hostile)
      expect({ name, found: titles.some((t) => t?.startsWith(name)) }).toEqual({ name, found: true });
  });

  it('Atom: every title and summary is type="text", and no name appears unescaped', () => {
    const doc = parseDocument(atom, { xmlMode: true });
    const texts: { name: string; type?: string }[] = [];
    const walk = (nodes: { type: string; name?: string; attribs?: Record<string, string>; children?: unknown[] }[]) => {
      for (const n of nodes) {
        if (n.type === 'tag' && ['title', 'summary', 'subtitle'].includes(n.name ?? '')) {
          texts.push({ name: n.name ?? '', type: n.attribs?.type });
        }
        if (n.children) walk(n.children as never);
      }
    };
    walk(doc.children as never);
    expect(texts.length).toBeGreaterThan(2 * snapshot.incidents.length);
    expect(texts.every((t) => t.type === 'text')).toBe(true);
    expect(atom).not.toContain('<img');
    expect(atom).not.toContain('<script');
    expect(atom).not.toContain('<![CDATA[');
    expect(rss).not.toContain('<img');
    expect(rss).not.toContain('<script');
  });

  it('keeps update bodies as the safe HTML subset (content type="html")', () => {
    const feed = parseFeed(atom);
    const content = feed.items[0]?.content ?? '';
    expect(content).toContain('<p>');
    expect(
      liveElements(content).filter((n) => !['p', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'code'].includes(n)),
    ).toEqual([]);
  });

  it('names its own URL as the self link under both paths', () => {
    for (const name of feedNames) {
      const feeds = buildFeeds(snapshot, name);
      expect(feeds.atom).toContain(`href="${snapshot.baseUrl}/${name}.atom"`);
      expect(feeds.rss).toContain(`href="${snapshot.baseUrl}/${name}.rss"`);
    }
  });
});
