import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer, sesBulkLimit } from './mail.ts';
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

describe('sendBulk over aws-ses-v2-local', () => {
  let ses: Awaited<ReturnType<typeof startSesLocal>>;
  beforeAll(async () => {
    ses = await startSesLocal();
  });
  afterAll(async () => {
    await ses.close();
  });

  // Template syntax an incident body might carry, aimed at our own data names and at Handlebars itself.
  const hostile = 'Now {{subject}} {{f_unsubscribe}} {{h0}} {{{t0}}} \\{{t1}} {{#each x}}y{{/each}} {{> p}} }} {{';
  const decodeQ = (word: string) => {
    const [, charset, , data] = /^=\?([^?]+)\?(Q)\?(.*)\?=$/i.exec(word) ?? [];
    expect(charset?.toUpperCase()).toBe('UTF-8');
    const bytes = (data ?? '')
      .replace(/_/g, ' ')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  };

  it('sends one message per recipient with its own fields and headers, tenant text taken literally', async () => {
    // Prepare
    const mailer = createSesMailer({ client: ses.client });
    await ses.clear();
    const link = (who: string) => `https://api.upstate.test/s/${who}?a=1&b=2`;

    // Act
    const outcomes = await mailer.sendBulk({
      from: '"Acmé Status" <notifications@upstate.test>',
      replyTo: 'support@acme.test',
      subject: `[Acme] ${hostile}`,
      text: [`Body: ${hostile}\nUnsubscribe: `, { field: 'unsubscribe' }, '\nEnd'],
      html: ['<p>', hostile, '</p><a href="', { field: 'unsubscribe' }, '">Unsubscribe</a>'],
      headers: { 'List-Id': 'Acme status <acme.status.upstate.test>' },
      recipients: ['one@example.com', 'not-an-address@exa_mple', 'two@example.com'].map((to) => ({
        to,
        fields: { unsubscribe: link(to) },
        headers: { 'List-Unsubscribe': `<${link(to)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      })),
    });

    // Assess: the stand-in refuses the malformed address and only that one.
    expect(outcomes[1]).toEqual({ error: expect.stringMatching(/^FAILED/), permanent: false });
    const messages = await ses.messages();
    expect(messages.map((m) => m.to[0])).toEqual(['one@example.com', 'two@example.com']);
    expect(messages.map((m) => m.messageId)).toEqual(
      [outcomes[0], outcomes[2]].map((o) => (o as { messageId: string }).messageId),
    );
    for (const message of messages) {
      const to = message.to[0] as string;
      expect(message.subject).toBe(`[Acme] ${hostile}`);
      expect(message.text).toBe(`Body: ${hostile}\nUnsubscribe: ${link(to)}\nEnd`);
      expect(message.html).toBe(`<p>${hostile}</p><a href="${link(to).replace(/&/g, '&#38;')}">Unsubscribe</a>`);
      expect(message.headers['list-unsubscribe']).toBe(`<${link(to)}>`);
      expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(message.headers['list-id']).toBe('Acme status <acme.status.upstate.test>');
      expect(message.replyTo).toEqual(['support@acme.test']);
      const [, word, address] = /^(\S+) <(.+)>$/.exec(message.from) ?? [];
      expect(address).toBe('notifications@upstate.test');
      expect(decodeQ(word as string)).toBe('Acmé Status');
    }
  });

  it('refuses more recipients than one SendBulkEmail call takes', async () => {
    const mailer = createSesMailer({ client: ses.client });
    const recipients = Array.from({ length: sesBulkLimit + 1 }, (_, i) => ({ to: `r${i}@example.com`, fields: {} }));
    await expect(
      mailer.sendBulk({ from: 'a@upstate.test', subject: 's', text: ['t'], html: ['h'], recipients }),
    ).rejects.toThrow(/at most 50/);
  });
});
