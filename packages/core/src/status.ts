import { effectiveComponentStatuses, isIncidentOpen, isMaintenanceActive, maintenanceStatusAt } from './lifecycle.ts';
import type { Component, ComponentStatus, Incident, IncidentImpact, Maintenance } from './schemas.ts';

export type PageIndicator = IncidentImpact | 'maintenance';

export interface PageStatus {
  indicator: PageIndicator;
  description: string;
}

/**
 * Statuspage's wording for each indicator, as on the real pages captured in statuspage/captures/.
 * A minor page reads "Partially Degraded Service" when its worst component is degraded, else
 * "Minor Service Outage" (a partial outage, or a minor incident alone).
 */
export const indicatorDescriptions: Record<PageIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};

export const degradedDescription = 'Partially Degraded Service';

// Statuspage's roll-up: degraded performance and partial outages are minor, a major outage of some
// components is major ("Partial System Outage"), of every component critical ("Major System Outage").
const componentSeverity: Record<ComponentStatus, IncidentImpact> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'minor',
  major_outage: 'major',
};

const impactRank: Record<IncidentImpact, number> = { none: 0, minor: 1, major: 2, critical: 3 };

export function worseImpact(a: IncidentImpact, b: IncidentImpact): IncidentImpact {
  return impactRank[a] >= impactRank[b] ? a : b;
}

const statusRank: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of statuses) if (statusRank[s] > statusRank[worst]) worst = s;
  return worst;
}

/**
 * The page indicator, as Statuspage rolls it up. Precedence: the worst of (a) every component's
 * effective status mapped to a severity (every component in major outage: critical) and (b) the
 * impact of every unresolved incident; maintenance only shows when
 * nothing is worse than "none" and a maintenance is in progress.
 */
export function pageStatus(input: {
  components: readonly Component[];
  incidents: readonly Incident[];
  maintenances: readonly Maintenance[];
  now: Date;
}): PageStatus {
  const effective = effectiveComponentStatuses(input.components, input.maintenances, input.now);
  const statuses = [...effective.values()];
  let indicator: IncidentImpact = 'none';
  for (const status of statuses) indicator = worseImpact(indicator, componentSeverity[status]);
  if (statuses.length && statuses.every((s) => s === 'major_outage')) indicator = 'critical';
  for (const incident of input.incidents) {
    if (isIncidentOpen(incident.status)) indicator = worseImpact(indicator, incident.impact);
  }
  if (indicator === 'none') {
    const inMaintenance = input.maintenances.some((m) =>
      isMaintenanceActive({ ...m, status: maintenanceStatusAt(m, input.now) }),
    );
    if (inMaintenance) return { indicator: 'maintenance', description: indicatorDescriptions.maintenance };
  }
  const degraded = indicator === 'minor' && worstComponentStatus(statuses) === 'degraded_performance';
  return { indicator, description: degraded ? degradedDescription : indicatorDescriptions[indicator] };
}
