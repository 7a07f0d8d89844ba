import { type ComponentStatus, componentStatusLabels, type OutgoingEmail } from '@upstate/core';
import { escapeHtml } from '@upstate/render';
import { emailButton as button, type EmailBrand, emailLayout as layout, senderAddress } from '@upstate/render/email';
import type { ComponentUpdatePayload } from '@upstate/services/notifications/announce';
import { listHeaders, type SubscriberLinks } from './email.ts';

// A component status change outside an incident, in every channel's format. The component's name is
// tenant text: escaped per format as the incident messages are.

/** A component status change the page shows, as the notify entry carries it. */
export interface ComponentMessage {
  kind: 'component';
  payload: ComponentUpdatePayload;
}

export const componentMessage = (payload: string): ComponentMessage => ({
  kind: 'component',
  payload: JSON.parse(payload) as ComponentUpdatePayload,
});

const labelOf = (status: string) => componentStatusLabels[status as ComponentStatus] ?? status;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');
const colors: Record<string, string> = {
  operational: '#16a34a',
  degraded_performance: '#ca8a04',
  partial_outage: '#ea580c',
  major_outage: '#dc2626',
  under_maintenance: '#2563eb',
};

function summary(message: ComponentMessage) {
  const { component, component_update: update } = message.payload;
  return {
    name: component.name,
    from: labelOf(update.old_status),
    to: labelOf(update.new_status),
    at: update.created_at,
    color: colors[update.new_status] ?? '#4b5563',
  };
}

/**
 * The Statuspage component webhook body: `meta`, `page`, `component_update` and `component`, as
 * Statuspage sends it (held against a captured delivery in `webhook.test.ts`).
 */
export function componentWebhookPayload(input: {
  message: ComponentMessage;
  page: { id: string; indicator: string; description: string };
  unsubscribeUrl: string;
  documentationUrl: string;
  generatedAt: string;
}) {
  return {
    meta: { unsubscribe: input.unsubscribeUrl, documentation: input.documentationUrl, generated_at: input.generatedAt },
    page: { id: input.page.id, status_indicator: input.page.indicator, status_description: input.page.description },
    component_update: input.message.payload.component_update,
    component: input.message.payload.component,
  };
}

export function componentSubject(brand: EmailBrand, message: ComponentMessage): string {
  const s = summary(message);
  return oneLine(`[${brand.tenantName}] ${s.name} is ${s.to}`);
}

export function componentEmail(
  brand: EmailBrand,
  to: string,
  message: ComponentMessage,
  links: SubscriberLinks,
): OutgoingEmail {
  const s = summary(message);
  const subject = componentSubject(brand, message);
  const when = new Date(s.at).toUTCString();
  const pageUrl = `${brand.pageUrl}/`;
  const text = [
    `${s.name}: ${s.from} → ${s.to}`,
    when,
    '',
    `Status page: ${pageUrl}`,
    '',
    '—',
    `You get this because you subscribed to ${brand.tenantName} component status changes.`,
    `Manage your subscription: ${links.manage}`,
    `Unsubscribe: ${links.unsubscribe}`,
  ].join('\n');
  const inner = `<h1 style="font-size:20px;margin:0 0 8px">${escapeHtml(s.name)} is ${escapeHtml(s.to)}</h1>
<p style="margin:0 0 16px;color:#374151">Was <strong>${escapeHtml(s.from)}</strong> · ${escapeHtml(when)}</p>
<p style="margin:0">${button(brand, pageUrl, 'View the status page')}</p>`;
  const footer = `You get this because you subscribed to ${escapeHtml(brand.tenantName)} component status changes.
<a href="${escapeHtml(links.manage)}" style="color:#1f2937">Manage your subscription</a> ·
<a href="${escapeHtml(links.unsubscribe)}" style="color:#1f2937">Unsubscribe</a>`;
  return {
    from: senderAddress(brand),
    to,
    ...(brand.replyTo ? { replyTo: brand.replyTo } : {}),
    subject,
    text,
    html: layout(brand, subject, inner, footer),
    headers: listHeaders(brand, links),
  };
}

/** Slack's mrkdwn control characters as entities, as for incidents. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function componentSlackMessage(tenantName: string, message: ComponentMessage, pageUrl: string) {
  const s = summary(message);
  const title = `${tenantName}: ${s.name} is ${s.to}`;
  return {
    text: slackEscape(clip(title, 300)),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: false } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Status*\n${slackEscape(`${s.from} → ${s.to}`)}` },
          {
            type: 'mrkdwn',
            text: `*Changed*\n<!date^${Math.floor(Date.parse(s.at) / 1000)}^{date_short_pretty} {time}|${s.at}>`,
          },
        ],
      },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'View status page' }, url: pageUrl }],
      },
    ],
  };
}

export function componentTeamsMessage(tenantName: string, message: ComponentMessage, pageUrl: string) {
  const s = summary(message);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: clip(`${tenantName}: ${s.name} is ${s.to}`, 200),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: [
                { title: 'Status', value: `${s.from} → ${s.to}` },
                { title: 'Changed', value: s.at },
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'View status page', url: pageUrl }],
        },
      },
    ],
  };
}

export function componentDiscordMessage(tenantName: string, message: ComponentMessage, pageUrl: string) {
  const s = summary(message);
  return {
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: clip(`${s.name} is ${s.to}`, 256),
        url: pageUrl,
        description: clip(`${s.from} → ${s.to}`, 4096),
        color: Number.parseInt(s.color.slice(1), 16),
        fields: [{ name: 'Status', value: s.to, inline: true }],
        timestamp: s.at,
        footer: { text: clip(tenantName, 2048) },
      },
    ],
  };
}
