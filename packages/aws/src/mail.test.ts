import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from './mail.ts';
import { startSesLocal } from './testing.ts';

describe('createSesMailer over aws-ses-v2-local', () => {
  let ses: Awaited<ReturnType<typeof startSesLocal>>;
  beforeAll(async () => {
    ses = await startSesLocal();
  });
  afterAll(async () => {
    await ses.close();
  });

  it('delivers text and HTML with every custom header kept, and answers the MessageId the mailbox holds', async () => {
    // Prepare
    const mailer = createSesMailer({ client: ses.client });
    await ses.clear();

    // Act
    const { messageId } = await mailer.send({
      from: 'Acme Status <notifications@upstate.test>',
      to: 'reader@example.com',
      replyTo: 'support@acme.test',
      subject: 'Ünïcode outage — API',
      text: 'The API is down.',
      html: '<p>The API is <strong>down</strong>.</p>',
      headers: {
        'List-Unsubscribe': '<https://api.upstate.test/v1/unsubscribe/tok>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': 'Acme Status <acme.status.upstate.test>',
      },
    });

    // Assess
    const messages = await ses.messages();
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.messageId).toBe(messageId);
    expect(message?.from).toBe('"Acme Status" <notifications@upstate.test>');
    expect(message?.to).toEqual(['reader@example.com']);
    expect(message?.replyTo).toEqual(['support@acme.test']);
    expect(message?.subject).toBe('Ünïcode outage — API');
    expect(message?.text.trim()).toBe('The API is down.');
    expect(message?.html).toContain('<strong>down</strong>');
    expect(message?.headers['list-unsubscribe']).toBe('<https://api.upstate.test/v1/unsubscribe/tok>');
    expect(message?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(message?.headers['list-id']).toBe('Acme Status <acme.status.upstate.test>');
    expect(message?.headers['content-type']).toMatch(/^multipart\/alternative/);
  });

  it('surfaces a rejected send instead of reporting success', async () => {
    const mailer = createSesMailer({ client: ses.client });
    await expect(
      mailer.send({ from: 'not an address', to: 'reader@example.com', subject: 's', text: 't' }),
    ).rejects.toThrow();
  });
});
