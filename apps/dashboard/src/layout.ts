import { html } from 'hono/html';
import { assets } from './assets.ts';
import { ago, csrfField, type Html, safeHref } from './ui.ts';

export interface PublishView {
  contentVersion: number;
  publishedVersion: number;
  state: 'live' | 'publishing' | 'pending';
  lastPublishedAt: string | null;
  pageUrl: string;
  /** Page domains the CDN does not serve yet (provisioning failed; the platform retries it). */
  cdnPending?: { domain: string; attempts: number; lastAttemptAt: string }[];
}

export interface TenantChoice {
  id: string;
  name: string;
  slug: string;
  role: string;
  current: boolean;
}

/** What every signed-in page knows: who, which tenant, the CSRF token for its forms, publish state. */
export interface Shell {
  base: string;
  csrf: string;
  email: string;
  /** The person's role in this tenant. */
  role: string;
  /** Every tenant the person belongs to (the switcher). */
  tenants: TenantChoice[];
  tenantName: string;
  slug: string;
  timezone: string;
  pageUrl: string;
  publish: PublishView | null;
  now: Date;
}

const nav = [
  ['overview', '', 'Overview'],
  ['components', '/components', 'Components'],
  ['incidents', '/incidents', 'Incidents'],
  ['maintenance', '/maintenance', 'Maintenance'],
  ['monitors', '/monitors', 'Monitors'],
  ['subscribers', '/subscribers', 'Subscribers'],
  ['branding', '/branding', 'Branding'],
  ['embeds', '/embeds', 'Badges & embeds'],
  ['domain', '/domain', 'Custom domain'],
  ['imports', '/imports', 'Import'],
  ['api-keys', '/api-keys', 'API keys'],
  ['audit', '/audit', 'Audit log'],
  ['team', '/team', 'Team'],
  ['settings', '/settings', 'Account settings'],
] as const;

export type Section = (typeof nav)[number][0];

/** Fixed notices shown after a redirect; the query names one, so no text is ever reflected. */
export const notices: Record<string, string> = {
  'signed-out': 'You are signed out.',
  'page-deleted': 'The status page is deleted and you are signed out. Your login stays, for other teams and invites.',
  'component-created': 'Component added.',
  'component-saved': 'Component saved.',
  'component-deleted': 'Component deleted.',
  'status-set': 'Status updated.',
  reordered: 'Order saved.',
  'group-created': 'Group added.',
  'group-saved': 'Group saved.',
  'group-deleted': 'Group deleted.',
  'incident-created': 'Incident opened. It is on its way to your public page.',
  'incident-updated': 'Update posted.',
  'incident-resolved': 'Incident resolved.',
  'incident-reopened': 'Incident reopened.',
  'incident-corrected': 'Correction posted; the original stays in the audit trail.',
  'maintenance-created': 'Maintenance scheduled.',
  'maintenance-updated': 'Maintenance update posted.',
  'maintenance-deleted': 'Maintenance cancelled.',
  'monitor-deleted': 'Monitor deleted.',
  'monitor-saved': 'Monitor saved.',
  'domain-removed': 'Domain removed.',
  'domain-verified': 'Domain verified. It now serves your page.',
  'domain-pending': 'The TXT record was not found yet. DNS changes can take a while; try again soon.',
  'key-revoked': 'API key revoked.',
  'branding-saved': 'Branding saved.',
  'password-reset': 'Password changed. Every session was signed out; log in with the new password.',
  'password-changed': 'Password changed. Your other sessions were signed out.',
  'two-factor-off': 'Two-factor sign-in is off.',
  'two-factor-required': 'This team requires two-factor sign-in. Set it up here to continue.',
  'session-ended': 'That session is signed out.',
  switched: 'Switched.',
  joined: 'Welcome to the team.',
  'invite-sent': 'Invite sent.',
  'invite-resent': 'Invite re-sent with a new link; the old link no longer works.',
  'invite-revoked': 'Invite revoked.',
  'role-changed': 'Role changed.',
  'ownership-transferred': 'Ownership handed over. You are an admin of this page now.',
  'member-removed': 'Member removed. They are signed out of this team.',
  'two-factor-rule': 'Two-factor rule saved.',
  'notification-settings-saved': 'Notification settings saved.',
};

function head(base: string, title: string): Html {
  return html`<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Upstate</title>
<link rel="stylesheet" href="${base}/assets/${assets.css.path}">
<script src="${base}/assets/${assets.js.path}" defer></script>`;
}

export function publishBadge(shell: Shell): Html {
  const p = shell.publish;
  const state = p?.state ?? 'pending';
  const live = state === 'live';
  return html`<div class="publish" data-publish-url="${shell.base}/publish-state" data-state="${state}" data-at="${p?.lastPublishedAt ?? ''}" >
    <span class="pill badge ${live ? 'ok' : 'info'}" role="status" aria-live="polite">${live ? 'Live' : 'Publishing…'}</span>
    <span data-when aria-live="off">${ago(p?.lastPublishedAt ?? null, shell.now)}</span>
  </div>`;
}

export function page(
  shell: Shell,
  o: { title: string; section: Section; body: Html; notice?: string | undefined },
): Html {
  const notice = o.notice ? notices[o.notice] : undefined;
  return html`<!doctype html>
<html lang="en">
<head>${head(shell.base, o.title)}</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div class="shell">
  <aside class="sidebar">
    <a class="brand-mark" href="${shell.base}"><span class="dot" aria-hidden="true"></span>Upstate</a>
    <div class="tenant-name">${shell.tenantName}</div>
    <div class="tenant-role">Your role: ${shell.role}</div>
    ${
      shell.tenants.length > 1
        ? html`<form method="post" action="${shell.base}/switch-tenant" class="switcher">${csrfField(shell.csrf)}
          <label for="tenant-switch" class="small">Switch status page</label>
          <select id="tenant-switch" name="tenantId">${shell.tenants.map(
            (t) => html`<option value="${t.id}"${t.current ? html` selected` : ''}>${t.name}</option>`,
          )}</select>
          <button class="btn small" type="submit">Switch</button></form>`
        : ''
    }
    <nav class="nav" aria-label="Dashboard">
      <ul>
        ${nav.map(
          ([key, path, text]) =>
            html`<li><a href="${shell.base}${path}"${key === o.section ? html` aria-current="page"` : ''}>${text}</a></li>`,
        )}
      </ul>
    </nav>
    <div class="sidebar-foot">
      <span>${shell.email}</span>
      <form method="post" action="${shell.base}/logout">${csrfField(shell.csrf)}<button class="btn small" type="submit">Log out</button></form>
    </div>
  </aside>
  <div class="main">
    <header class="topbar">
      ${publishBadge(shell)}
      <a class="btn small" href="${safeHref(shell.pageUrl)}" target="_blank" rel="noopener">View live page<span class="visually-hidden"> (opens in a new tab)</span></a>
    </header>
    <main id="main" class="content" tabindex="-1">
      ${notice ? html`<div class="notice ok" role="status">${notice}</div>` : ''}
      ${(shell.publish?.cdnPending ?? []).map(
        (p) =>
          html`<div class="notice warn" role="status" data-cdn-pending><p><strong>${p.domain} is not live yet.</strong> Setting it up on our CDN failed; we retry automatically every few minutes (${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'} so far). Nothing is needed from you.</p></div>`,
      )}
      ${o.body}
    </main>
  </div>
</div>
</body>
</html>`;
}

/** Pages for signed-out visitors (sign up, log in). */
export function authPage(base: string, o: { title: string; body: Html; notice?: string | undefined }): Html {
  const notice = o.notice ? notices[o.notice] : undefined;
  return html`<!doctype html>
<html lang="en">
<head>${head(base, o.title)}</head>
<body>
<main id="main" class="auth">
  <div class="card">
    <div class="brand-mark"><span class="dot" aria-hidden="true"></span>Upstate</div>
    ${notice ? html`<div class="notice ok" role="status">${notice}</div>` : ''}
    ${o.body}
  </div>
</main>
</body>
</html>`;
}
