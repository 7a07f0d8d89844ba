import type { Delivery, Subscriber } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  badge,
  csrfField,
  errorSummary,
  type FormState,
  formatTime,
  formState,
  input,
  select,
  withApiError,
} from '../ui.ts';

type SubscriberView = Omit<Subscriber, 'secret'> & { hasSecret: boolean };
interface NotificationView {
  entryKey: string;
  kind: string;
  claimedAt: string;
  completedAt: string | null;
}

const channelOptions = [
  ['email', 'Email'],
  ['webhook', 'Webhook (Statuspage format, signed)'],
  ['slack', 'Slack incoming webhook'],
  ['teams', 'Microsoft Teams workflow webhook'],
  ['discord', 'Discord webhook'],
] as const;

export function subscriberRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function subscribersPage(
    c: Context,
    shell: Shell,
    state: FormState = formState(),
    status = 200,
    secret?: string,
  ) {
    const [list, counts, notifications] = await Promise.all([
      kit.call<{ data: SubscriberView[]; nextCursor: string | null }>(
        c,
        'GET',
        `/v1/subscribers?limit=100${c.req.query('cursor') ? `&cursor=${encodeURIComponent(c.req.query('cursor') as string)}` : ''}`,
      ),
      kit.call<{ total: number; confirmed: number; pending: number }>(c, 'GET', '/v1/subscribers/count'),
      kit.call<{ data: NotificationView[] }>(c, 'GET', '/v1/notifications?limit=10'),
    ]);
    const subscribers = list.ok ? list.data.data : [];
    const tz = shell.timezone;
    const latest = notifications.ok ? notifications.data.data : [];
    const logs = await Promise.all(
      latest.map((n) =>
        kit.call<{ data: Delivery[] }>(
          c,
          'GET',
          `/v1/notifications/${encodeURIComponent(n.entryKey)}/deliveries?limit=100`,
        ),
      ),
    );
    const disabled = subscribers.filter((s) => s.disabledAt);
    const body = html`<div class="page-head"><div><h1>Subscribers</h1>
      <p>Readers subscribe on your page’s Subscribe form (they confirm by email first). Add webhooks and chat channels here.</p>
      <p><a href="${base}/notification-settings">Notification settings</a>: sender name, reply-to and maintenance reminders.</p></div></div>
      ${counts.ok ? html`<p>${counts.data.total} subscribers: ${counts.data.confirmed} confirmed, ${counts.data.pending} waiting for confirmation.</p>` : ''}
      ${secret ? html`<div class="card" role="status"><h2>Signing secret</h2><p>Shown once. Verify each delivery’s <code>X-Upstate-Signature</code> with it (see the API docs).</p><p><code class="mono">${secret}</code></p></div>` : ''}
      ${disabled.length ? html`<div class="card" role="alert"><h2>Disabled endpoints</h2><p>${disabled.length} webhook ${disabled.length === 1 ? 'endpoint was' : 'endpoints were'} disabled after repeated failed deliveries. Fix the receiver, then enable it again.</p></div>` : ''}
      <section class="card" aria-labelledby="h-list"><h2 id="h-list">All subscribers</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Channel</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Covers</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${subscribers.map(
          (s) => html`<tr>
            <td>${s.channel}</td><td class="mono">${s.target}</td>
            <td>${s.disabledAt ? badge('disabled') : badge(s.status)}</td>
            <td>${s.scope.componentIds ? `${s.scope.componentIds.length} components or groups` : 'Whole page'}${s.scope.componentUpdates ? ', component changes' : ''}</td>
            <td>${formatTime(s.createdAt, tz)}</td>
            <td class="row-actions">
              ${s.disabledAt ? html`<form method="post" action="${base}/subscribers/${encodeURIComponent(s.id)}/enable">${csrfField(shell.csrf)}<button class="btn" type="submit">Enable<span class="visually-hidden"> ${s.target}</span></button></form>` : ''}
              <form method="post" action="${base}/subscribers/${encodeURIComponent(s.id)}/delete" data-confirm="Remove this subscriber? Its address is deleted.">${csrfField(shell.csrf)}<button class="btn danger" type="submit">Remove<span class="visually-hidden"> ${s.target}</span></button></form>
            </td></tr>`,
        )}</tbody></table></div>
        ${list.ok && list.data.nextCursor ? html`<p><a href="${base}/subscribers?cursor=${encodeURIComponent(list.data.nextCursor)}">Next page</a></p>` : ''}
      </section>
      <section class="card" aria-labelledby="h-add"><h2 id="h-add">Add a subscriber</h2>
        ${errorSummary(state)}
        <form method="post" action="${base}/subscribers" novalidate>
          ${csrfField(shell.csrf)}
          ${select(state, { name: 'channel', label: 'Channel', options: channelOptions })}
          ${input(state, { name: 'target', label: 'Address or webhook URL', required: true, attrs: { autocapitalize: 'none', spellcheck: 'false' } })}
          <div class="actions"><button class="btn primary" type="submit">Add subscriber</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="h-log"><h2 id="h-log">Recent notifications</h2>
        ${latest.length === 0 ? html`<p class="muted">Nothing sent yet. Each incident or maintenance update you publish goes to your subscribers once the page shows it.</p>` : ''}
        ${latest.map((n, i) => {
          const deliveries = logs[i]?.ok ? (logs[i].data as { data: Delivery[] }).data : [];
          const by = (state: string) => deliveries.filter((d) => d.state === state).length;
          const failed = deliveries.filter(
            (d) => d.state === 'failed' || d.state === 'bounced' || d.state === 'complained',
          );
          return html`<details><summary>${n.kind} update, ${formatTime(n.claimedAt, tz)}: ${by('sent') + by('delivered')} sent, ${by('queued')} queued, ${failed.length} failed or bounced, ${by('skipped')} skipped</summary>
            ${failed.length ? html`<ul>${failed.map((d) => html`<li>${d.channel} ${d.subscriberId}: ${d.state} after ${d.attempts} ${d.attempts === 1 ? 'try' : 'tries'} — ${d.reason ?? ''}</li>`)}</ul>` : ''}
          </details>`;
        })}
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'Subscribers', section: 'subscribers', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/subscribers', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return subscribersPage(c, shell);
  });

  app.post('/subscribers', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    // Not idempotent-replayed: the answer holds a webhook secret shown once.
    const r = await kit.call<{ secret?: string }>(c, 'POST', '/v1/subscribers', {
      body: { channel: f.channel ?? 'email', target: (f.target ?? '').trim() },
      form: f,
      idempotent: false,
    });
    if (r.ok) return subscribersPage(c, shell, formState(), 201, r.data.secret);
    return subscribersPage(c, shell, withApiError(formState(f), r.error, ['channel', 'target']), r.status);
  });

  for (const [action, method, suffix] of [
    ['delete', 'DELETE', ''],
    ['enable', 'POST', '/enable'],
  ] as const) {
    app.post(`/subscribers/:id/${action}`, async (c) => {
      const shell = await kit.shell(c);
      if (shell instanceof Response) return shell;
      const f = await kit.form(c);
      const r = await kit.call(c, method, `/v1/subscribers/${encodeURIComponent(c.req.param('id'))}${suffix}`, {
        form: f,
      });
      if (r.ok) return kit.redirect(c, '/subscribers');
      if (r.status === 404) return kit.notFound(c, shell);
      return subscribersPage(c, shell, withApiError(formState(), r.error, []), r.status);
    });
  }
}
