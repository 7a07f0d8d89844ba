import { contrastRatio } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { badgeFiles, badgePalette, badgeSvg, badges } from './badges.ts';

type Node = { type: string; name?: string; attribs?: Record<string, string>; children?: Node[]; data?: string };
const elements = (nodes: Node[], out: Node[] = []) => {
  for (const n of nodes) {
    if (n.type === 'tag') out.push(n);
    if (n.children) elements(n.children, out);
  }
  return out;
};
const text = (n: Node): string => (n.type === 'text' ? (n.data ?? '') : (n.children ?? []).map(text).join(''));

describe('status badges', () => {
  const snapshot = fixtureSnapshot();
  snapshot.components[0] = {
    ...(snapshot.components[0] as (typeof snapshot.components)[number]),
    name: '<img src=x onerror=alert(1)> & "API"',
  };
  const files = badgeFiles(snapshot);

  it('has a light and a dark SVG and a shields.io endpoint for the page and every component', () => {
    const stems = ['badges/status', ...snapshot.components.map((c) => `badges/components/${c.id}`)];
    expect(files.map((f) => f.path).sort()).toEqual(
      stems.flatMap((s) => [`${s}.svg`, `${s}-dark.svg`, `${s}.json`]).sort(),
    );
  });

  it('has tenant text escaped (XML validity is checked in Chromium, test/browser.test.ts)', () => {
    for (const f of files.filter((x) => x.path.endsWith('.svg'))) {
      const [svg] = elements(parseDocument(f.body, { xmlMode: true }).children as Node[]);
      expect(svg?.name).toBe('svg');
      expect(elements(svg?.children ?? []).map((e) => e.name)).toEqual([
        'title',
        'rect',
        'rect',
        'rect',
        'g',
        'text',
        'text',
      ]);
      expect(f.body).not.toContain('<img');
    }
  });

  it('is accessible: role="img", labelled by a <title> that names the thing and its status', () => {
    for (const b of badges(snapshot)) {
      for (const scheme of ['light', 'dark'] as const) {
        const [svg] = elements(parseDocument(badgeSvg(b, scheme), { xmlMode: true }).children as Node[]);
        expect(svg?.attribs?.role).toBe('img');
        const title = svg?.children?.find((c) => c.type === 'tag');
        expect(title?.name).toBe('title');
        expect(svg?.attribs?.['aria-labelledby']).toBe(title?.attribs?.id);
        expect(text(title as Node)).toContain(b.message);
        expect(text(title as Node).startsWith(b.label.slice(0, 39))).toBe(true);
      }
    }
    expect(badges(snapshot)[0]?.message).toBe('Partial System Outage');
  });

  it('keeps every text colour at WCAG AA on its background, light and dark', () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [bg, fg] of Object.values(badgePalette[scheme]))
        expect(contrastRatio(bg, fg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('serves the shields.io endpoint schema', () => {
    const json = JSON.parse(files.find((f) => f.path === 'badges/status.json')?.body ?? '{}');
    expect(json).toEqual({ schemaVersion: 1, label: 'Acme Cloud', message: 'Partial System Outage', color: 'orange' });
    for (const f of files.filter((x) => x.path.endsWith('.json'))) {
      const body = JSON.parse(f.body);
      expect(Object.keys(body)).toEqual(['schemaVersion', 'label', 'message', 'color']);
      expect(body.message.length).toBeGreaterThan(0);
    }
  });
});
