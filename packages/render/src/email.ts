import { type OutgoingEmail, readableBrandColor } from '@upstate/core';
import { escapeHtml } from '@upstate/theme-base/markdown';

// What every email of a tenant shares: the sender, the inline-styled shell and the opt-in message. The
// API (confirmation on subscribe) and the notifier (every message) both send from here, and apps may not
// import each other, so it lives beside the escaping and Markdown rules the emails are held to.

/** What every email of one tenant shares. */
export interface EmailBrand {
  tenantId: string;
  tenantName: string;
  brandColor: string;
  /** The platform's mail domain: the sender is `notifications@{mailDomain}`. */
  mailDomain: string;
  /** The page's public base URL (no trailing slash). */
  pageUrl: string;
  replyTo?: string | null;
}

/** A display name as an RFC 5322 quoted string: no header injection, quotes and backslashes escaped. */
export function senderAddress(brand: EmailBrand): string {
  const name = brand.tenantName.replace(/[\r\n\t]+/g, ' ').replace(/["\\]/g, '\\$&');
  return `"${name}" <notifications@${brand.mailDomain}>`;
}

/**
 * The HTML shell of every email. Table layout and inline styles only: mail clients drop <style> blocks
 * and external CSS, and no remote image is loaded (trackers and blocked images alike). `inner` and
 * `footer` are HTML the caller has already escaped.
 */
export function emailLayout(brand: EmailBrand, title: string, inner: string, footer: string): string {
  const color = readableBrandColor(brand.brandColor);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:${color};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold">${escapeHtml(brand.tenantName)}</td></tr>
<tr><td style="padding:24px;font-size:16px;line-height:1.5">${inner}</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;font-size:13px;line-height:1.5;color:#4b5563">${footer}</td></tr>
</table></td></tr></table></body></html>`;
}

/** A link styled as a button in the tenant's (contrast-checked) brand colour. */
export const emailButton = (brand: EmailBrand, href: string, label: string) =>
  `<a href="${escapeHtml(href)}" style="display:inline-block;background:${readableBrandColor(brand.brandColor)};color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:bold">${escapeHtml(label)}</a>`;

/** The opt-in email: nothing is sent to the address until its owner follows this link. */
export function confirmationEmail(brand: EmailBrand, to: string, confirmUrl: string): OutgoingEmail {
  const subject = `Confirm your subscription to ${brand.tenantName} status updates`.replace(/[\r\n\t]+/g, ' ');
  const text = [
    `Someone (hopefully you) asked to get ${brand.tenantName} status updates at this address.`,
    '',
    `Confirm the subscription: ${confirmUrl}`,
    '',
    'If you did not ask for this, ignore this email: nothing more will be sent.',
    `Status page: ${brand.pageUrl}/`,
  ].join('\n');
  const inner = `<h1 style="font-size:20px;margin:0 0 16px">Confirm your subscription</h1>
<p style="margin:0 0 16px">Someone (hopefully you) asked to get <strong>${escapeHtml(brand.tenantName)}</strong> status updates at this address.</p>
<p style="margin:0 0 24px">${emailButton(brand, confirmUrl, 'Confirm subscription')}</p>
<p style="margin:0;color:#4b5563;font-size:14px">Or paste this link into your browser: ${escapeHtml(confirmUrl)}</p>`;
  const footer = `If you did not ask for this, ignore this email: nothing more will be sent. <a href="${escapeHtml(brand.pageUrl)}/" style="color:#1f2937">Status page</a>`;
  return {
    from: senderAddress(brand),
    to,
    ...(brand.replyTo ? { replyTo: brand.replyTo } : {}),
    subject,
    text,
    html: emailLayout(brand, subject, inner, footer),
  };
}
