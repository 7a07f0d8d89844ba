import { z } from 'zod';
import { ComponentStatus, IncidentImpact, IncidentStatus, MaintenanceStatus } from '../schemas.ts';

// The exact response shapes of the Atlassian Statuspage public API v2, as strict zod objects:
// an extra or missing field fails the tests, so existing widgets keep working.

const timestamp = z.string();

export const V2Page = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  time_zone: z.string(),
  updated_at: timestamp,
});
export type V2Page = z.infer<typeof V2Page>;

export const V2Component = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: ComponentStatus,
  created_at: timestamp,
  updated_at: timestamp,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  /** Present on groups only: the ids of their children. */
  components: z.array(z.string()).optional(),
});
export type V2Component = z.infer<typeof V2Component>;

export const V2AffectedComponent = z.strictObject({
  code: z.string(),
  name: z.string(),
  old_status: ComponentStatus,
  new_status: ComponentStatus,
});

export const V2IncidentUpdate = z.strictObject({
  id: z.string(),
  status: z.union([IncidentStatus, MaintenanceStatus]),
  body: z.string(),
  incident_id: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  display_at: timestamp,
  affected_components: z.array(V2AffectedComponent).nullable(),
  deliver_notifications: z.boolean(),
  custom_tweet: z.null(),
  tweet_id: z.null(),
});
export type V2IncidentUpdate = z.infer<typeof V2IncidentUpdate>;

const incidentFields = {
  id: z.string(),
  name: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  monitoring_at: timestamp.nullable(),
  resolved_at: timestamp.nullable(),
  shortlink: z.string(),
  started_at: timestamp,
  page_id: z.string(),
  incident_updates: z.array(V2IncidentUpdate),
  components: z.array(V2Component),
};

export const V2Incident = z.strictObject({
  ...incidentFields,
  status: IncidentStatus,
  impact: IncidentImpact,
});
export type V2Incident = z.infer<typeof V2Incident>;

export const V2ScheduledMaintenance = z.strictObject({
  ...incidentFields,
  status: MaintenanceStatus,
  impact: z.union([IncidentImpact, z.literal('maintenance')]),
  scheduled_for: timestamp,
  scheduled_until: timestamp,
});
export type V2ScheduledMaintenance = z.infer<typeof V2ScheduledMaintenance>;

export const V2Status = z.strictObject({
  indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  description: z.string(),
});

export const V2SummaryResponse = z.strictObject({
  page: V2Page,
  components: z.array(V2Component),
  incidents: z.array(V2Incident),
  scheduled_maintenances: z.array(V2ScheduledMaintenance),
  status: V2Status,
});
export const V2StatusResponse = z.strictObject({ page: V2Page, status: V2Status });
export const V2ComponentsResponse = z.strictObject({ page: V2Page, components: z.array(V2Component) });
export const V2IncidentsResponse = z.strictObject({ page: V2Page, incidents: z.array(V2Incident) });
export const V2ScheduledMaintenancesResponse = z.strictObject({
  page: V2Page,
  scheduled_maintenances: z.array(V2ScheduledMaintenance),
});

/** `/api/v2/incidents/{id}.json`: one incident (or scheduled maintenance) with its page. */
export const V2IncidentResponse = z.strictObject({
  page: V2Page,
  incident: z.union([V2Incident, V2ScheduledMaintenance]),
});

/** Every endpoint's path (relative to the site root) and the shape it must have. */
export const v2Endpoints = {
  'api/v2/summary.json': V2SummaryResponse,
  'api/v2/status.json': V2StatusResponse,
  'api/v2/components.json': V2ComponentsResponse,
  'api/v2/incidents.json': V2IncidentsResponse,
  'api/v2/incidents/unresolved.json': V2IncidentsResponse,
  'api/v2/scheduled-maintenances.json': V2ScheduledMaintenancesResponse,
  'api/v2/scheduled-maintenances/upcoming.json': V2ScheduledMaintenancesResponse,
  'api/v2/scheduled-maintenances/active.json': V2ScheduledMaintenancesResponse,
} as const;
export type V2EndpointPath = keyof typeof v2Endpoints;
