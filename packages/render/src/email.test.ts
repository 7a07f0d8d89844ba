import { describe, expect, it } from 'vitest';
import { confirmationEmail, type EmailBrand, senderAddress } from './email.ts';

const brand: EmailBrand = {
  tenantId: 'tnt_1',
  tenantName: 'Acme "<b>Ops</b>"\r\nBcc: victim@example.com',
  brandColor: '#ffff00',
  mailDomain: 'mail.upstate.page',
  pageUrl: 'https://acme.upstate.page',
  replyTo: 'support@acme.example',
};

describe('the shared email parts', () => {
  it('quotes the tenant name in the sender: no header injection, quotes and backslashes escaped', () => {
    expect(senderAddress(brand)).toBe(
      '"Acme \\"<b>Ops</b>\\" Bcc: victim@example.com" <notifications@mail.upstate.page>',
    );
  });

  it('the opt-in email escapes tenant text, carries the confirm link in both parts and a readable brand colour', () => {
    const confirmUrl = 'https://api.upstate.page/public/subscriptions/tok?a=1&b=2/confirm';
    const email = confirmationEmail(brand, 'reader@example.com', confirmUrl);
    expect(email.to).toBe('reader@example.com');
    expect(email.replyTo).toBe('support@acme.example');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain(`Confirm the subscription: ${confirmUrl}`);
    expect(email.html).toContain('href="https://api.upstate.page/public/subscriptions/tok?a=1&amp;b=2/confirm"');
    expect(email.html).not.toContain('<b>Ops</b>');
    expect(email.html).toContain('&lt;b&gt;Ops&lt;/b&gt;');
    // Pure yellow fails contrast against white text: the shell uses a darkened shade instead.
    expect(email.html).not.toContain('background:#ffff00');
    expect(email.html).not.toMatch(/<img|<style|<script/i);
  });
});
