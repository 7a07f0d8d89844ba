import {
  type BulkEmailEntry,
  SESv2Client,
  type SESv2ClientConfig,
  SendBulkEmailCommand,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import type { BulkEmail, BulkMailer, BulkOutcome, EmailSegment, Mailer, OutgoingEmail } from '@upstate/core';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeWord, isPlainText } from 'nodemailer/lib/mime-funcs';
import { type AwsEnv, clientConfig } from './config.ts';

/** The SES v2 client of an app's environment (`SES_ENDPOINT`: aws-ses-v2-local). */
export const sesClient = (env: AwsEnv) => new SESv2Client(clientConfig(env, env.SES_ENDPOINT));

/** An SES v2 client; `endpoint` points it at aws-ses-v2-local. */
export function createSesClient(options: {
  region: string;
  endpoint?: string;
  credentials?: SESv2ClientConfig['credentials'];
}): SESv2Client {
  return new SESv2Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The RFC 5322 message SES receives: multipart/alternative text + HTML, every header of `email` kept. */
export async function composeMime(email: OutgoingEmail): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    text: email.text,
    ...(email.html ? { html: email.html } : {}),
    ...(email.headers ? { headers: email.headers } : {}),
  });
  return composer.compile().build();
}

/** Recipients per `SendBulkEmail` call (the SES v2 limit). */
export const sesBulkLimit = 50;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const headerList = (headers: Record<string, string> | undefined) =>
  Object.entries(headers ?? {}).map(([Name, Value]) => ({ Name, Value }));

/**
 * An SES template whose source holds nothing but our own placeholders: every literal segment (tenant
 * text included) travels in the template data and is inserted verbatim (SES does not HTML-escape), so a
 * `{{` or a backslash in an incident body is never parsed as Handlebars. A per-recipient field is `f_<name>` in
 * text and the subject, and its HTML-escaped twin `h_<name>` in the HTML part.
 */
export function bulkTemplate(email: Pick<BulkEmail, 'subject' | 'text' | 'html'>): {
  content: { Subject: string; Text: string; Html: string };
  data: Record<string, string>;
} {
  const data: Record<string, string> = { subject: email.subject };
  const source = (segments: EmailSegment[], part: 't' | 'h') =>
    segments
      .map((segment, i) => {
        if (typeof segment === 'string') {
          data[`${part}${i}`] = segment;
          return `{{${part}${i}}}`;
        }
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(segment.field)) throw new Error(`bad template field ${segment.field}`);
        return part === 't' ? `{{f_${segment.field}}}` : `{{h_${segment.field}}}`;
      })
      .join('');
  return { content: { Subject: '{{subject}}', Text: source(email.text, 't'), Html: source(email.html, 'h') }, data };
}

/** The sender as SES wants it: a non-ASCII display name as an RFC 2047 encoded word (SES does not encode it). */
export function sesFromAddress(from: string): string {
  const [parsed] = addressparser(from);
  if (!parsed || !('address' in parsed) || !parsed.address) throw new Error('invalid sender address');
  if (!parsed.name) return parsed.address;
  const name = isPlainText(parsed.name)
    ? `"${parsed.name.replace(/["\\]/g, '\\$&')}"`
    : encodeWord(parsed.name, 'Q', 52);
  return `${name} <${parsed.address}>`;
}

// Per recipient and about one recipient's problem (retrying it alone cannot help); every other status
// (throttling, transient, paused sending) may pass on a later attempt.
const permanentStatuses = new Set(['MESSAGE_REJECTED', 'INVALID_PARAMETER']);

/**
 * The `Mailer` port over SES v2 `SendEmail` with raw content, so the recipient gets exactly the MIME
 * message we composed and tested, every header included (RFC 8058 `List-Unsubscribe-Post`, `List-Id`).
 * `configurationSetName` routes bounces and complaints to the event destination that suppresses the address.
 */
export function createSesMailer(options: { client: SESv2Client; configurationSetName?: string }): Mailer & BulkMailer {
  return {
    maxRecipients: sesBulkLimit,
    /**
     * `SendBulkEmail` with the message as inline template content: one call per ≤ 50 recipients, each
     * with its own fields (links) and replacement headers. Answers one outcome per recipient, in order.
     */
    async sendBulk(email) {
      if (email.recipients.length === 0) return [];
      if (email.recipients.length > sesBulkLimit) throw new Error(`at most ${sesBulkLimit} recipients per call`);
      const { content, data } = bulkTemplate(email);
      const entries: BulkEmailEntry[] = email.recipients.map((r) => {
        const fields: Record<string, string> = {};
        for (const [name, value] of Object.entries(r.fields)) {
          fields[`f_${name}`] = value;
          fields[`h_${name}`] = escapeHtml(value);
        }
        return {
          Destination: { ToAddresses: [r.to] },
          ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(fields) } },
          ...(r.headers ? { ReplacementHeaders: headerList(r.headers) } : {}),
        };
      });
      const res = await options.client.send(
        new SendBulkEmailCommand({
          FromEmailAddress: sesFromAddress(email.from),
          ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
          DefaultContent: {
            Template: {
              TemplateContent: content,
              TemplateData: JSON.stringify(data),
              ...(email.headers ? { Headers: headerList(email.headers) } : {}),
            },
          },
          BulkEmailEntries: entries,
          ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        }),
      );
      const results = res.BulkEmailEntryResults ?? [];
      return email.recipients.map((_, i): BulkOutcome => {
        const result = results[i];
        if (result?.Status === 'SUCCESS' && result.MessageId) return { messageId: result.MessageId };
        const status = result?.Status ?? 'MISSING_RESULT';
        return {
          error: `${status}${result?.Error ? `: ${result.Error}` : ''}`,
          permanent: permanentStatuses.has(status),
        };
      });
    },
    async send(email) {
      const data = await composeMime(email);
      const res = await options.client.send(
        new SendEmailCommand({
          Content: { Raw: { Data: data } },
          ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        }),
      );
      if (!res.MessageId) throw new Error('SES accepted the message without a MessageId');
      return { messageId: res.MessageId };
    },
  };
}
