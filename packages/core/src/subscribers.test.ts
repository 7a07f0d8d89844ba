import { describe, expect, it } from 'vitest';
import { componentHoldMs, componentQuietMs, foldStatusChange, maskTarget, statusChangeDue } from './subscribers.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 20, 12) + ms).toISOString();
const change = (id: string, ms: number, oldStatus: 'operational' | 'major_outage', newStatus: typeof oldStatus) => ({
  id,
  oldStatus,
  newStatus,
  at: at(ms),
  notify: true,
});

describe('foldStatusChange and statusChangeDue (component flapping)', () => {
  it('leads after a quiet spell, holds a quick second change, and folds a third into it', () => {
    const first = foldStatusChange(undefined, change('a', 0, 'operational', 'major_outage'));
    expect(first).toMatchObject({ leading: true, since: at(0) });
    expect(statusChangeDue(first, new Date(at(0)))).toBe(true);
    const second = foldStatusChange(first, change('b', 10_000, 'major_outage', 'operational'));
    expect(second).toMatchObject({ leading: false, oldStatus: 'major_outage', since: at(10_000) });
    expect(statusChangeDue(second, new Date(at(10_000 + componentQuietMs - 1)))).toBe(false);
    const third = foldStatusChange(second, change('c', 20_000, 'operational', 'major_outage'));
    expect(third).toMatchObject({ id: 'c', leading: false, oldStatus: 'major_outage', newStatus: 'major_outage' });
    expect(statusChangeDue(third, new Date(at(20_000 + componentQuietMs)))).toBe(true);
    const later = foldStatusChange(third, change('d', 20_000 + componentQuietMs, 'major_outage', 'operational'));
    expect(later).toMatchObject({ leading: true, oldStatus: 'major_outage' });
  });

  it('releases a component that never settles once per hold limit, from what subscribers last heard', () => {
    let current = foldStatusChange(undefined, change('0', 0, 'operational', 'major_outage'));
    const released: { i: number; oldStatus: string }[] = [];
    for (let i = 1; i * 30_000 <= 2 * componentHoldMs + 60_000; i++) {
      const [from, to] =
        i % 2 ? (['major_outage', 'operational'] as const) : (['operational', 'major_outage'] as const);
      const before = current;
      current = foldStatusChange(current, change(String(i), i * 30_000, from, to));
      if (current.leading) released.push({ i, oldStatus: current.oldStatus });
      // Never due between flips unless it leads: a flap every 30 s never holds for the quiet window.
      expect(statusChangeDue(current, new Date(at(i * 30_000 + 29_999)))).toBe(current.leading);
      if (!before.leading && !current.leading) expect(current.since).toBe(before.since);
    }
    // The held change started at 30 s; it is released at 630 s, and again ten minutes after the next
    // held one started (660 s), each carrying the status subscribers last heard of (major, then the
    // operational the first release told them).
    expect(released).toEqual([
      { i: 21, oldStatus: 'major_outage' },
      { i: 42, oldStatus: 'operational' },
    ]);
  });

  it('masks addresses for the audit log', () => {
    expect(maskTarget('email', 'private.person@example.org')).toBe('p…@example.org');
    expect(maskTarget('slack', 'https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/…');
  });
});
