import type { Monitor } from '@upstate/core';
import { describe, expect, it } from 'vitest';
import { fairOrder } from './monitoring.ts';

const due = (tenantId: string, id: string, nextRunAt: string) => ({ tenantId, id, nextRunAt }) as Monitor;

describe('fairOrder (the due queue across tenants)', () => {
  it('takes tenants in turn, oldest first within each, so a backlog takes one place per round', () => {
    // Prepare: a noisy tenant with four overdue monitors, two others due later
    const monitors = [
      due('quiet', 'q1', '2026-11-24T10:00:00Z'),
      due('noisy', 'n3', '2026-11-24T09:57:00Z'),
      due('noisy', 'n1', '2026-11-24T09:55:00Z'),
      due('other', 'o1', '2026-11-24T10:00:00Z'),
      due('noisy', 'n2', '2026-11-24T09:56:00Z'),
      due('noisy', 'n4', '2026-11-24T09:58:00Z'),
    ];
    // Act
    const order = fairOrder(monitors).map((m) => m.id);
    // Assess: the oldest tenant leads each round; the others are in the first round, not after the backlog
    expect(order).toEqual(['n1', 'q1', 'o1', 'n2', 'n3', 'n4']);
    expect(order.slice(0, 3).sort()).toEqual(['n1', 'o1', 'q1']);
  });
});
