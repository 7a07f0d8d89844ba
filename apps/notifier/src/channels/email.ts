import { randomBytes } from 'node:crypto';
import type {
  BulkEmail,
  EmailSegment,
  OutgoingEmail,
  V2Incident,
  V2IncidentUpdate,
  V2ScheduledMaintenance,
} from '@upstate/core';
import { escapeHtml, renderMarkdown } from '@upstate/render';
import { emailButton as button, type EmailBrand, emailLayout as layout, senderAddress } from '@upstate/render/email';

// The shell, the sender and the opt-in email are shared with the API (packages/render/src/email.ts).
export type { EmailBrand } from '@upstate/render/email';

export interface SubscriberLinks {
  manage: string;
  /** The RFC 8058 one-click endpoint (POST) and the link a person clicks (GET shows a confirm button). */
  unsubscribe: string;
}

const statusLabels: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/**
 * `List-Id` (RFC 2919): a plain phrase and a dot-atom identifier, one per tenant under the platform's mail
 * domain. The phrase keeps only letters, digits and spaces so no client has to decode it.
 */
const listId = (brand: EmailBrand) => {
  const phrase =
    brand.tenantName
      .replace(/[^A-Za-z0-9 ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'Status';
  return `${phrase} status <${brand.tenantId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.status.${brand.mailDomain}>`;
};

/** RFC 8058 one-click unsubscribe: per subscriber, since the link carries its token. */
const unsubscribeHeaders = (links: SubscriberLinks) => ({
  'List-Unsubscribe': `<${links.unsubscribe}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
});

export const listHeaders = (brand: EmailBrand, links: SubscriberLinks) => ({
  ...unsubscribeHeaders(links),
  'List-Id': listId(brand),
});

export interface EntryMessage {
  kind: 'incident' | 'maintenance';
  item: V2Incident | V2ScheduledMaintenance;
  /** The update this message announces (for a reminder, the latest one). */
  update: V2IncidentUpdate;
  /** A reminder before a scheduled maintenance starts, not a new update. */
  reminder?: boolean;
}

/** The latest update of an entry payload, which is cut at the update it announces. */
export function entryMessage(kind: 'incident' | 'maintenance', payload: string, reminder = false): EntryMessage {
  const item = JSON.parse(payload) as V2Incident | V2ScheduledMaintenance;
  const update = [...item.incident_updates].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  if (!update) throw new Error(`entry ${item.id} has no update`);
  return { kind, item, update, ...(reminder ? { reminder } : {}) };
}

export function subjectOf(brand: EmailBrand, message: EntryMessage): string {
  if (message.reminder) {
    const start = new Date((message.item as V2ScheduledMaintenance).scheduled_for).toUTCString();
    return `[${brand.tenantName}] Maintenance reminder: ${message.item.name} starts ${start}`.replace(
      /[\r\n\t]+/g,
      ' ',
    );
  }
  const status = statusLabels[message.update.status] ?? message.update.status;
  const prefix = message.kind === 'maintenance' ? 'Maintenance: ' : '';
  return `[${brand.tenantName}] ${prefix}${message.item.name} — ${status}`.replace(/[\r\n\t]+/g, ' ');
}

/** An incident or maintenance update: the body rendered by the page's own Markdown sanitiser. */
export function notificationEmail(
  brand: EmailBrand,
  to: string,
  message: EntryMessage,
  links: SubscriberLinks,
): OutgoingEmail {
  const { item, update } = message;
  const subject = subjectOf(brand, message);
  const status = message.reminder ? 'Starts soon' : (statusLabels[update.status] ?? update.status);
  const when = new Date(update.display_at).toUTCString();
  const components = item.components.map((c) => c.name);
  const maintenanceWindow =
    message.kind === 'maintenance'
      ? `Scheduled: ${new Date((item as V2ScheduledMaintenance).scheduled_for).toUTCString()} to ${new Date((item as V2ScheduledMaintenance).scheduled_until).toUTCString()}`
      : null;
  const text = [
    `${item.name}`,
    `${status} — ${when}`,
    ...(maintenanceWindow ? [maintenanceWindow] : []),
    ...(components.length ? [`Affects: ${components.join(', ')}`] : []),
    '',
    update.body,
    '',
    `Details: ${item.shortlink}`,
    '',
    '—',
    `You get this because you subscribed to ${brand.tenantName} status updates.`,
    `Manage your subscription: ${links.manage}`,
    `Unsubscribe: ${links.unsubscribe}`,
  ].join('\n');
  const inner = `<h1 style="font-size:20px;margin:0 0 8px">${escapeHtml(item.name)}</h1>
<p style="margin:0 0 16px;color:#374151"><strong>${escapeHtml(status)}</strong> · ${escapeHtml(when)}</p>
${maintenanceWindow ? `<p style="margin:0 0 16px;color:#374151">${escapeHtml(maintenanceWindow)}</p>` : ''}
${components.length ? `<p style="margin:0 0 16px;color:#374151">Affects: ${escapeHtml(components.join(', '))}</p>` : ''}
<div style="margin:0 0 24px">${renderMarkdown(update.body)}</div>
<p style="margin:0">${button(brand, item.shortlink, message.kind === 'maintenance' ? 'View the maintenance' : 'View the incident')}</p>`;
  const footer = `You get this because you subscribed to ${escapeHtml(brand.tenantName)} status updates.
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

/** A bulk notification without its recipients: what every subscriber of the tenant shares. */
export type NotificationTemplate = Omit<BulkEmail, 'recipients'>;

const splitOn = (value: string, markers: ReadonlyMap<string, string>): EmailSegment[] => {
  const pattern = new RegExp([...markers.keys()].join('|'), 'g');
  const segments: EmailSegment[] = [];
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    if (match.index > last) segments.push(value.slice(last, match.index));
    segments.push({ field: markers.get(match[0]) as string });
    last = match.index + match[0].length;
  }
  if (last < value.length) segments.push(value.slice(last));
  return segments;
};

/**
 * A message as one bulk message for every subscriber of a tenant: `render` is called once with random
 * markers for the two links, which are split out again as per-recipient fields. Tenant text cannot
 * contain a marker it never saw, so no tenant text becomes a field; a marker anywhere else (the subject,
 * a shared header) would hand one subscriber's link to all, so it throws.
 */
export function bulkTemplateOf(render: (links: SubscriberLinks) => OutgoingEmail): NotificationTemplate {
  const nonce = randomBytes(12).toString('hex');
  const links: SubscriberLinks = { manage: `upstate-manage-${nonce}`, unsubscribe: `upstate-unsubscribe-${nonce}` };
  const markers = new Map([
    [links.manage, 'manage'],
    [links.unsubscribe, 'unsubscribe'],
  ]);
  const email = render(links);
  const perRecipient = new Set(Object.keys(unsubscribeHeaders(links)));
  const headers = Object.fromEntries(Object.entries(email.headers ?? {}).filter(([name]) => !perRecipient.has(name)));
  for (const value of [email.subject, email.from, email.replyTo ?? '', ...Object.values(headers)]) {
    if (value.includes(nonce)) throw new Error('a subscriber link outside the message body');
  }
  return {
    from: email.from,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    text: splitOn(email.text, markers),
    html: splitOn(email.html ?? '', markers),
    headers,
  };
}

/** The notification email (`notificationEmail`) as one bulk message. */
export const notificationTemplate = (brand: EmailBrand, message: EntryMessage): NotificationTemplate =>
  bulkTemplateOf((links) => notificationEmail(brand, 'template@invalid', message, links));

/** One subscriber of a bulk notification: its address, its links and its one-click unsubscribe headers. */
export function notificationRecipient(to: string, links: SubscriberLinks): BulkEmail['recipients'][number] {
  return {
    to,
    fields: { manage: links.manage, unsubscribe: links.unsubscribe },
    headers: unsubscribeHeaders(links),
  };
}
