import type { ComponentStatus, IncidentImpact, IncidentStatus, MaintenanceStatus } from './schemas.ts';

// The one wording of every status and impact, shared by the public pages, feeds, v2 JSON and the
// dashboard, so a reader and a support agent see the same words for the same state.

/** Statuspage's wording for component statuses. */
export const componentStatusLabels: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded Performance',
  partial_outage: 'Partial Outage',
  major_outage: 'Major Outage',
  under_maintenance: 'Under Maintenance',
};

export const incidentStatusLabels: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
};

export const maintenanceStatusLabels: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** What a timeline entry's status says, for incidents and maintenances alike. */
export const timelineStatusLabels: Record<IncidentStatus | MaintenanceStatus, string> = {
  ...incidentStatusLabels,
  ...maintenanceStatusLabels,
};

export const impactLabels: Record<IncidentImpact, string> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
};
