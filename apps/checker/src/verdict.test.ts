import { describe, expect, it } from 'vitest';
import { foldResult, monitorsMayChange, monitorsStatus, type RunState } from './verdict.ts';

const start: RunState = { lastResult: null, consecutiveFailures: 0, consecutiveSuccesses: 0, verdict: undefined };
const walk = (results: ('up' | 'degraded' | 'down')[], n = 3, m = 2) => {
  const verdicts: (string | undefined)[] = [];
  let state = start;
  for (const r of results) {
    state = foldResult(state, r, { failureThreshold: n, recoveryThreshold: m });
    verdicts.push(state.verdict);
  }
  return { verdicts, state };
};

describe('foldResult', () => {
  it('moves to major_outage on the Nth consecutive failure, not before', () => {
    expect(walk(['down', 'down', 'down']).verdicts).toEqual(['operational', 'operational', 'major_outage']);
    expect(walk(['down', 'down', 'up', 'down', 'down']).verdicts.at(-1)).toBe('operational');
    expect(walk(['down'], 1).verdicts).toEqual(['major_outage']);
  });

  it('recovers after M consecutive successes; a failure in between restarts the count', () => {
    const { verdicts } = walk(['down', 'down', 'down', 'up', 'down', 'up', 'up']);
    expect(verdicts.slice(3)).toEqual(['major_outage', 'major_outage', 'major_outage', 'operational']);
  });

  it('a slow answer degrades at once; recovering from it needs M fast answers', () => {
    const { verdicts, state } = walk(['degraded', 'up', 'degraded', 'up', 'up']);
    expect(verdicts).toEqual([
      'degraded_performance',
      'degraded_performance',
      'degraded_performance',
      'degraded_performance',
      'operational',
    ]);
    expect(state).toMatchObject({ lastResult: 'up', consecutiveFailures: 0, consecutiveSuccesses: 2 });
  });

  it('leaves an outage through slow answers to degraded, not to operational', () => {
    expect(walk(['down', 'down', 'down', 'degraded', 'degraded']).verdicts.slice(3)).toEqual([
      'major_outage',
      'degraded_performance',
    ]);
  });

  it('counts failures and successes for the API to show', () => {
    expect(walk(['up', 'down', 'down']).state).toMatchObject({ consecutiveFailures: 2, consecutiveSuccesses: 0 });
  });
});

describe('monitorsStatus and monitorsMayChange', () => {
  it('takes the worst verdict of a component’s monitors, none when none reported', () => {
    expect(monitorsStatus(['operational', 'major_outage', 'degraded_performance'])).toBe('major_outage');
    expect(monitorsStatus([])).toBeNull();
  });

  it('holds a manual status and an open incident’s status; maintenance holds off only a worsening', () => {
    const none = { openIncidentComponentIds: new Set<string>(), inMaintenance: false };
    const op = { id: 'c', status: 'operational' as const };
    expect(monitorsMayChange({ ...op, statusSource: 'monitor' }, 'major_outage', none)).toBe(true);
    expect(monitorsMayChange({ ...op, statusSource: 'manual' }, 'major_outage', none)).toBe(false);
    expect(monitorsMayChange({ ...op, statusSource: 'incident' }, 'major_outage', none)).toBe(true);
    const open = { ...none, openIncidentComponentIds: new Set(['c']) };
    expect(monitorsMayChange({ ...op, statusSource: 'incident' }, 'major_outage', open)).toBe(false);
    const maintenance = { ...none, inMaintenance: true };
    expect(monitorsMayChange({ ...op, statusSource: 'monitor' }, 'major_outage', maintenance)).toBe(false);
    expect(
      monitorsMayChange({ id: 'c', status: 'major_outage', statusSource: 'monitor' }, 'operational', maintenance),
    ).toBe(true);
  });
});
