import type { BulkMailer, BulkOutcome, Mailer, Subscriber } from '@upstate/core';
import { safePost } from '@upstate/egress/post';
import type { TargetPolicy } from '@upstate/egress/ssrf';
import { PermanentFailure } from '@upstate/services/notifications/deliver';
import { discordMessage, slackMessage, teamsMessage } from './channels/chat.ts';
import {
  type ComponentMessage,
  componentDiscordMessage,
  componentEmail,
  componentSlackMessage,
  componentTeamsMessage,
  componentWebhookPayload,
} from './channels/component.ts';
import {
  type EmailBrand,
  type EntryMessage,
  type NotificationTemplate,
  notificationEmail,
  notificationRecipient,
  notificationTemplate,
  type SubscriberLinks,
} from './channels/email.ts';
import { signatureHeader, signWebhook, statuspageWebhookPayload, timestampHeader } from './channels/webhook.ts';

/** What every webhook body's `meta` and `page` carry, whatever it announces. */
const webhookMeta = (context: SendContext) => ({
  page: context.page,
  unsubscribeUrl: context.links.unsubscribe,
  documentationUrl: context.documentationUrl,
  generatedAt: context.now().toISOString(),
});

export interface SendContext {
  brand: EmailBrand;
  page: { id: string; indicator: string; description: string };
  message: EntryMessage | ComponentMessage;
  links: SubscriberLinks;
  documentationUrl: string;
  now: () => Date;
}

export interface BulkEmailSender {
  /** Recipients per call. */
  batchSize: number;
  /** One entry's email to email subscribers (≤ `batchSize`), one outcome each, in order. */
  send(
    brand: EmailBrand,
    message: EntryMessage,
    recipients: { subscriber: Subscriber; links: SubscriberLinks }[],
  ): Promise<BulkOutcome[]>;
}

export interface Senders {
  send(subscriber: Subscriber, context: SendContext): Promise<{ messageId?: string }>;
  /** Present when the mailer sends in bulk (SES `SendBulkEmail`); email then goes through it. */
  bulkEmail?: BulkEmailSender;
}

/**
 * One sender per channel. Webhooks and chat go through the SSRF guard (vetted, pinned, re-vetted per
 * redirect); a 4xx answer other than 408/429 is permanent (the receiver refuses it), anything else retries.
 */
export function createSenders(options: {
  mailer: Mailer & Partial<BulkMailer>;
  policy: TargetPolicy;
  timeoutMs?: number;
}): Senders {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { mailer } = options;
  // One template per (message, brand) of a range: rendered once, not once per batch.
  const templates = new WeakMap<EntryMessage, WeakMap<EmailBrand, NotificationTemplate>>();
  const templateOf = (brand: EmailBrand, message: EntryMessage) => {
    const byBrand = templates.get(message) ?? new WeakMap<EmailBrand, NotificationTemplate>();
    templates.set(message, byBrand);
    const found = byBrand.get(brand) ?? notificationTemplate(brand, message);
    byBrand.set(brand, found);
    return found;
  };
  const bulkEmail: BulkEmailSender | undefined =
    mailer.sendBulk && mailer.maxRecipients
      ? {
          batchSize: mailer.maxRecipients,
          send: (brand, message, recipients) =>
            (mailer.sendBulk as BulkMailer['sendBulk'])({
              ...templateOf(brand, message),
              recipients: recipients.map((r) => notificationRecipient(r.subscriber.target, r.links)),
            }),
        }
      : undefined;
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    const answer = await safePost(
      url,
      {
        headers: { 'content-type': 'application/json', 'user-agent': 'Upstate-Notifications/1', ...headers },
        body,
        timeoutMs,
      },
      options.policy,
    ).catch((error: Error) => {
      if (error.name === 'RefusedTarget') throw new PermanentFailure(error.message);
      throw error;
    });
    if (answer.status >= 200 && answer.status < 300) return {};
    const reason = `HTTP ${answer.status}`;
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
      throw new PermanentFailure(reason);
    }
    throw new Error(reason);
  };
  /** A Statuspage-shaped webhook body, signed over the timestamp and body (the recipe in the docs). */
  const postSigned = (subscriber: Subscriber, context: SendContext, payload: unknown) => {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(context.now().getTime() / 1000);
    return post(subscriber.target, body, {
      [timestampHeader]: String(timestamp),
      [signatureHeader]: signWebhook(subscriber.secret ?? '', timestamp, body),
    });
  };
  return {
    ...(bulkEmail ? { bulkEmail } : {}),
    async send(subscriber, context) {
      const tenantName = context.brand.tenantName;
      const { message } = context;
      if (message.kind === 'component') return sendComponent(subscriber, context, message);
      switch (subscriber.channel) {
        case 'email':
          return options.mailer.send(notificationEmail(context.brand, subscriber.target, message, context.links));
        case 'webhook':
          return postSigned(subscriber, context, statuspageWebhookPayload({ message, ...webhookMeta(context) }));
        case 'slack':
          return post(subscriber.target, JSON.stringify(slackMessage(tenantName, message)), {});
        case 'teams':
          return post(subscriber.target, JSON.stringify(teamsMessage(tenantName, message)), {});
        case 'discord':
          return post(subscriber.target, JSON.stringify(discordMessage(tenantName, message)), {});
      }
    },
  };

  /** A component status change: the same channels and signing, the component formats. */
  function sendComponent(subscriber: Subscriber, context: SendContext, message: ComponentMessage) {
    const { tenantName, pageUrl } = context.brand;
    const page = `${pageUrl}/`;
    switch (subscriber.channel) {
      case 'email':
        return options.mailer.send(componentEmail(context.brand, subscriber.target, message, context.links));
      case 'webhook':
        return postSigned(subscriber, context, componentWebhookPayload({ message, ...webhookMeta(context) }));
      case 'slack':
        return post(subscriber.target, JSON.stringify(componentSlackMessage(tenantName, message, page)), {});
      case 'teams':
        return post(subscriber.target, JSON.stringify(componentTeamsMessage(tenantName, message, page)), {});
      case 'discord':
        return post(subscriber.target, JSON.stringify(componentDiscordMessage(tenantName, message, page)), {});
    }
  }
}
