import { SESv2Client, type SESv2ClientConfig, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '@upstate/core';
import MailComposer from 'nodemailer/lib/mail-composer';
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

/**
 * The `Mailer` port over SES v2 `SendEmail` with raw content, so the recipient gets exactly the MIME
 * message we composed and tested, every header included (RFC 8058 `List-Unsubscribe-Post`, `List-Id`).
 * `configurationSetName` routes bounces and complaints to the event destination that suppresses the address.
 */
export function createSesMailer(options: { client: SESv2Client; configurationSetName?: string }): Mailer {
  return {
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
