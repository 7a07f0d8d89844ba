import { describe, expect, it } from 'vitest';
import { fixtureSnapshot } from './fixtures.ts';
import type { Component, Incident, Maintenance } from './schemas.ts';
import { pageStatus } from './status.ts';

const base = fixtureSnapshot({ activeIncidents: 0, resolvedIncidents: 1 });
const now = new Date(base.generatedAt);
const allOperational: Component[] = base.components.map((c) => ({ ...c, status: 'operational' }));
const withStatus = (i: number, status: Component['status']) =>
  allOperational.map((c, n) => (n === i ? { ...c, status } : c));
const openIncident = (impact: Incident['impact']): Incident => ({
  ...(base.incidents[0] as Incident),
  id: `open-${impact}`,
  status: 'investigating',
  resolvedAt: null,
  impact,
});

describe('pageStatus roll-up', () => {
  it('is all operational with no incidents and no outages (resolved incidents do not count)', () => {
    expect(pageStatus({ components: allOperational, incidents: base.incidents, maintenances: [], now })).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
  });

  it.each([
    ['degraded_performance', 'minor', 'Partially Degraded Service'],
    ['partial_outage', 'minor', 'Minor Service Outage'],
    ['major_outage', 'major', 'Partial System Outage'],
  ] as const)('maps a component in %s to %s', (status, indicator, description) => {
    expect(pageStatus({ components: withStatus(2, status), incidents: [], maintenances: [], now })).toEqual({
      indicator,
      description,
    });
  });

  it('says Minor Service Outage for a minor incident with nothing degraded, as Statuspage does', () => {
    expect(
      pageStatus({ components: allOperational, incidents: [openIncident('minor')], maintenances: [], now }),
    ).toEqual({
      indicator: 'minor',
      description: 'Minor Service Outage',
    });
  });

  it('is critical, "Major System Outage", only when every component is in major outage', () => {
    const allDown = allOperational.map((c) => ({ ...c, status: 'major_outage' as const }));
    expect(pageStatus({ components: allDown, incidents: [], maintenances: [], now })).toEqual({
      indicator: 'critical',
      description: 'Major System Outage',
    });
  });

  it('takes the worst of component statuses and open incident impacts', () => {
    expect(
      pageStatus({
        components: withStatus(0, 'degraded_performance'),
        incidents: [openIncident('critical')],
        maintenances: [],
        now,
      }).indicator,
    ).toBe('critical');
    expect(
      pageStatus({
        components: withStatus(0, 'major_outage'),
        incidents: [openIncident('minor')],
        maintenances: [],
        now,
      }).indicator,
    ).toBe('major');
    expect(
      pageStatus({ components: allOperational, incidents: [openIncident('none')], maintenances: [], now }).indicator,
    ).toBe('none');
  });

  it('shows maintenance only when nothing is worse', () => {
    const active: Maintenance = {
      ...(base.maintenances[0] as Maintenance),
      scheduledFor: new Date(now.getTime() - 60_000).toISOString(),
      scheduledUntil: new Date(now.getTime() + 60_000).toISOString(),
    };
    expect(pageStatus({ components: allOperational, incidents: [], maintenances: [active], now })).toEqual({
      indicator: 'maintenance',
      description: 'Service Under Maintenance',
    });
    expect(
      pageStatus({ components: allOperational, incidents: [openIncident('minor')], maintenances: [active], now })
        .indicator,
    ).toBe('minor');
  });
});
