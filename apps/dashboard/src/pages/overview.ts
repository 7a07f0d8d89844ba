import { type Component, type Incident, type Maintenance, type Role, rolePermissions } from '@upstate/core';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page } from '../layout.ts';
import { badge, formatTime, safeHref } from '../ui.ts';

interface AuditEvent {
  id: string;
  at: string;
  author: { kind: string; id: string; label: string };
  action: string;
  target: { type: string; id: string };
  detail: Record<string, unknown>;
}

export function overviewRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  app.get('/publish-state', async (c) => {
    const r = await kit.call(c, 'GET', '/v1/publish');
    if (!r.ok) return c.json({ error: r.error }, r.status as 401);
    return c.json(r.data);
  });

  app.get('/', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const [components, incidents, maintenances] = await Promise.all([
      kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
      kit.call<{ data: Incident[] }>(c, 'GET', '/v1/incidents?limit=25'),
      kit.call<{ data: Maintenance[] }>(c, 'GET', '/v1/maintenances?limit=25'),
    ]);
    const comps = components.ok ? components.data.data : [];
    const open = (incidents.ok ? incidents.data.data : []).filter(
      (i) => i.status !== 'resolved' && i.status !== 'postmortem',
    );
    const upcoming = (maintenances.ok ? maintenances.data.data : []).filter((m) => m.status !== 'completed');
    const degraded = comps.filter((x) => x.status !== 'operational');
    const tz = shell.timezone;
    const body = html`<div class="page-head">
        <div><h1>Overview</h1><p>${shell.tenantName} · <a href="${safeHref(shell.pageUrl)}" target="_blank" rel="noopener">${shell.pageUrl}</a></p></div>
        <a class="btn primary" href="${base}/incidents/new">Report an incident</a>
      </div>
      <div class="grid">
        <section class="card" aria-labelledby="h-components">
          <h2 id="h-components">Components</h2>
          <p class="stat">${comps.length}</p>
          <p class="muted">${degraded.length === 0 ? 'All operational' : `${degraded.length} not operational`}</p>
          <a href="${base}/components">Manage components</a>
        </section>
        <section class="card" aria-labelledby="h-open">
          <h2 id="h-open">Open incidents</h2>
          <p class="stat">${open.length}</p>
          <p class="muted">${open.length === 0 ? 'Nothing ongoing' : 'Keep your customers posted'}</p>
          <a href="${base}/incidents">All incidents</a>
        </section>
        <section class="card" aria-labelledby="h-maint">
          <h2 id="h-maint">Maintenance</h2>
          <p class="stat">${upcoming.length}</p>
          <p class="muted">scheduled or in progress</p>
          <a href="${base}/maintenance">Scheduled maintenance</a>
        </section>
      </div>
      ${
        comps.length === 0
          ? html`<section class="card" aria-labelledby="h-start"><h2 id="h-start">Get started</h2>
              <ol>
                <li><a href="${base}/branding">Brand your page</a>: logo, colour, theme.</li>
                <li><a href="${base}/components">Add the components</a> your customers depend on.</li>
                <li><a href="${base}/monitors">Add monitors</a> so status updates itself.</li>
                <li><a href="${base}/domain">Use your own domain</a>.</li>
              </ol></section>`
          : ''
      }
      ${
        open.length
          ? html`<section class="card" aria-labelledby="h-active"><h2 id="h-active">Active incidents</h2>
              <ul class="list">${open.map(
                (i) =>
                  html`<li><span><a href="${base}/incidents/${encodeURIComponent(i.id)}">${i.name}</a> <span class="muted small">since ${formatTime(i.createdAt, tz)}</span></span>${badge(i.status)}</li>`,
              )}</ul></section>`
          : ''
      }
      ${
        degraded.length
          ? html`<section class="card" aria-labelledby="h-degraded"><h2 id="h-degraded">Components needing attention</h2>
              <ul class="list">${degraded.map((x) => html`<li><span>${x.name}</span>${badge(x.status)}</li>`)}</ul></section>`
          : ''
      }`;
    return kit.render(c, page(shell, { title: 'Overview', section: 'overview', body, notice: c.req.query('notice') }));
  });

  app.get('/audit', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const cursor = c.req.query('cursor');
    const author = c.req.query('author') ?? '';
    const [r, team, apiKeys] = await Promise.all([
      kit.call<{ data: AuditEvent[]; nextCursor: string | null }>(
        c,
        'GET',
        `/v1/audit-log?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${author ? `&author=${encodeURIComponent(author)}` : ''}`,
      ),
      kit.call<{ members: { userId: string; email: string }[] }>(c, 'GET', '/v1/team'),
      // Listing keys needs admin (asking without it would turn this page into a refusal); other roles
      // still filter by the keys the entries they see name.
      rolePermissions[shell.role as Role]?.includes('admin')
        ? kit.call<{ data: { id: string; name: string; prefix: string; revokedAt: string | null }[] }>(
            c,
            'GET',
            '/v1/api-keys',
          )
        : Promise.resolve({ ok: false as const }),
    ]);
    if (!r.ok && r.status === 403) return kit.forbidden(c, shell, r.error.message, 'audit');
    const events = r.ok ? r.data.data : [];
    const members = team.ok ? team.data.members : [];
    const keys = new Map<string, string>(
      apiKeys.ok
        ? apiKeys.data.data.map((k) => [k.id, `${k.name} (${k.prefix}…${k.revokedAt ? ', revoked' : ''})`])
        : [],
    );
    for (const e of events)
      if (e.author.kind === 'api_key' && !keys.has(e.author.id)) keys.set(e.author.id, e.author.label);
    const more = (next: string) =>
      `${base}/audit?cursor=${encodeURIComponent(next)}${author ? `&author=${encodeURIComponent(author)}` : ''}`;
    const body = html`<div class="page-head"><div><h1>Audit log</h1><p>Every change, with who made it. Entries are never rewritten.</p></div></div>
      <form method="get" action="${base}/audit" class="card filters" role="search" aria-label="Filter the audit log">
        <label for="f-author">Member or API key</label>
        <select id="f-author" name="author"><option value="">Everyone</option>
          <optgroup label="Members">${members.map(
            (m) => html`<option value="${m.userId}"${m.userId === author ? html` selected` : ''}>${m.email}</option>`,
          )}</optgroup>
          ${
            keys.size
              ? html`<optgroup label="API keys">${[...keys].map(
                  ([id, label]) => html`<option value="${id}"${id === author ? html` selected` : ''}>${label}</option>`,
                )}</optgroup>`
              : ''
          }</select>
        <button class="btn small" type="submit">Filter</button>
      </form>
      <section class="card" aria-label="Audit events">${auditTable(events, shell.timezone)}
      ${r.ok && r.data.nextCursor ? html`<p><a href="${more(r.data.nextCursor)}">Older entries</a></p>` : ''}
      </section>`;
    return kit.render(c, page(shell, { title: 'Audit log', section: 'audit', body }));
  });
}

export function auditTable(events: AuditEvent[], timeZone: string) {
  if (events.length === 0) return html`<p class="empty">No entries yet.</p>`;
  return html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">By</th><th scope="col" class="hide-sm">Detail</th></tr></thead>
    <tbody>${events.map(
      (e) => html`<tr>
        <td>${formatTime(e.at, timeZone)}</td>
        <td><code>${e.action}</code></td>
        <td>${e.author.label} <span class="muted small">(${e.author.kind === 'api_key' ? 'API key' : e.author.kind})</span></td>
        <td class="hide-sm small mono">${detailText(e.detail)}</td>
      </tr>`,
    )}</tbody></table></div>`;
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
}

export type { AuditEvent };
