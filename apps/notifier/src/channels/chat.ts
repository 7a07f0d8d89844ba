import type { EntryMessage } from './email.ts';

// Each chat service gets its native format with the same four things: name, status, body, link.
// Tenant text is escaped for each format; no message can mention @everyone or a channel.

const statusLabel = (status: string) => status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const statusOf = (message: EntryMessage) => (message.reminder ? 'Starts soon' : statusLabel(message.update.status));

const colors: Record<string, string> = {
  investigating: '#dc2626',
  identified: '#ea580c',
  monitoring: '#ca8a04',
  resolved: '#16a34a',
  postmortem: '#4b5563',
  scheduled: '#2563eb',
  in_progress: '#2563eb',
  verifying: '#2563eb',
  completed: '#16a34a',
};
const colorOf = (status: string) => colors[status] ?? '#4b5563';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Slack's mrkdwn control characters: &, < and > must be entities (Slack's "escaping text" rules). */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook message in Block Kit, with `text` as the notification fallback. */
export function slackMessage(tenantName: string, message: EntryMessage) {
  const { item, update } = message;
  const title = `${tenantName}: ${item.name}`;
  return {
    text: slackEscape(clip(`${title} — ${statusOf(message)}`, 300)),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: false } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Status*\n${slackEscape(statusOf(message))}` },
          {
            type: 'mrkdwn',
            text: `*Posted*\n<!date^${Math.floor(Date.parse(update.display_at) / 1000)}^{date_short_pretty} {time}|${update.display_at}>`,
          },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(clip(update.body, 2900)) } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: message.kind === 'maintenance' ? 'View maintenance' : 'View incident' },
            url: item.shortlink,
          },
        ],
      },
    ],
  };
}

/**
 * A Teams message for a Workflows ("When a Teams webhook request is received") webhook: a `message` with
 * one Adaptive Card attachment, the shape Microsoft documents for the Workflows app.
 */
export function teamsMessage(tenantName: string, message: EntryMessage) {
  const { item, update } = message;
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
              text: clip(`${tenantName}: ${item.name}`, 200),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: [
                { title: 'Status', value: statusOf(message) },
                { title: 'Posted', value: update.display_at },
              ],
            },
            { type: 'TextBlock', text: clip(update.body, 4000), wrap: true },
          ],
          actions: [
            {
              type: 'Action.OpenUrl',
              title: message.kind === 'maintenance' ? 'View maintenance' : 'View incident',
              url: item.shortlink,
            },
          ],
        },
      },
    ],
  };
}

/** A Discord webhook message: one embed; `allowed_mentions` empty so tenant text pings nobody. */
export function discordMessage(tenantName: string, message: EntryMessage) {
  const { item, update } = message;
  return {
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: clip(item.name, 256),
        url: item.shortlink,
        description: clip(update.body, 4096),
        color: Number.parseInt(colorOf(update.status).slice(1), 16),
        fields: [{ name: 'Status', value: statusOf(message), inline: true }],
        timestamp: update.display_at,
        footer: { text: clip(tenantName, 2048) },
      },
    ],
  };
}
