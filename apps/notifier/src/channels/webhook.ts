import { createHmac, timingSafeEqual } from 'node:crypto';
import type { V2Incident, V2IncidentUpdate, V2ScheduledMaintenance } from '@upstate/core';
import type { EntryMessage } from './email.ts';

export const signatureHeader = 'X-Upstate-Signature';
export const timestampHeader = 'X-Upstate-Timestamp';

// Fields Statuspage sends that Upstate has no notion of, with the values Statuspage sends when unused,
// so a receiver written against Statuspage finds every field it reads.
const incidentExtras = {
  postmortem_ignored: false,
  postmortem_body: null,
  postmortem_body_last_updated_at: null,
  postmortem_published_at: null,
  postmortem_notified_subscribers: false,
  postmortem_notified_twitter: false,
  backfilled: false,
  scheduled_remind_prior: false,
  scheduled_reminded_at: null,
  impact_override: null,
};
const updateExtras = { wants_twitter_update: false, twitter_updated_at: null };

function webhookUpdate(update: V2IncidentUpdate) {
  return { ...update, ...updateExtras };
}

/**
 * The Statuspage webhook body: `meta`, `page`, then `incident` with its updates (newest first, as
 * Statuspage sends them). Maintenance goes out as an incident with `scheduled_*` set, as Statuspage does.
 */
export function statuspageWebhookPayload(input: {
  message: EntryMessage;
  page: { id: string; indicator: string; description: string };
  unsubscribeUrl: string;
  /** The platform's API docs, where the signature recipe is. */
  documentationUrl: string;
  generatedAt: string;
}) {
  const { item, kind } = input.message;
  const maintenance = kind === 'maintenance' ? (item as V2ScheduledMaintenance) : null;
  const incident = item as V2Incident;
  return {
    meta: {
      unsubscribe: input.unsubscribeUrl,
      documentation: input.documentationUrl,
      generated_at: input.generatedAt,
    },
    page: {
      id: input.page.id,
      status_indicator: input.page.indicator,
      status_description: input.page.description,
    },
    incident: {
      name: item.name,
      status: item.status,
      created_at: item.created_at,
      updated_at: item.updated_at,
      monitoring_at: item.monitoring_at,
      resolved_at: item.resolved_at,
      impact: incident.impact,
      shortlink: item.shortlink,
      ...incidentExtras,
      scheduled_for: maintenance?.scheduled_for ?? null,
      scheduled_until: maintenance?.scheduled_until ?? null,
      scheduled_auto_in_progress: false,
      scheduled_auto_completed: false,
      started_at: item.started_at,
      id: item.id,
      page_id: item.page_id,
      incident_updates: [...item.incident_updates]
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map(webhookUpdate),
      components: item.components,
    },
  };
}

/**
 * `v1=` HMAC-SHA256 (hex) of `{timestamp}.{body}` with the subscription's secret. The timestamp is
 * signed too, so a captured delivery cannot be replayed later under a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check: the signature matches and the timestamp is within `toleranceSeconds` of now. */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
