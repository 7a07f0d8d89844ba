import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  checkbox,
  csrfField,
  errorSummary,
  type FormState,
  formatTime,
  formState,
  input,
  withApiError,
} from '../ui.ts';

interface ApiKeyView {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const scopes = [
  ['read', 'Read', 'Read everything; change nothing.'],
  ['incidents', 'Incidents', 'Open and update incidents and maintenance.'],
  ['components', 'Components', 'Manage components, groups and monitors.'],
  ['admin', 'Admin', 'Everything, including keys, domains and branding.'],
] as const;

export function keyRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function keysPage(
    c: Context,
    shell: Shell,
    o: { state?: FormState; created?: ApiKeyView & { key: string } } = {},
    status = 200,
  ) {
    const r = await kit.call<{ data: ApiKeyView[] }>(c, 'GET', '/v1/api-keys');
    if (!r.ok && r.status === 403) return kit.forbidden(c, shell, r.error.message, 'api-keys');
    const keys = r.ok ? r.data.data : [];
    const state = o.state ?? formState();
    const tz = shell.timezone;
    const body = html`<div class="page-head"><div><h1>API keys</h1><p>For scripts and integrations. A key is shown once when it is created; we keep only its hash.</p></div></div>
      ${
        o.created
          ? html`<div class="notice warn" role="status"><p><strong>New key “${o.created.name}” — copy it now, it will not be shown again.</strong></p>
            <code class="secret" aria-label="New API key">${o.created.key}</code></div>`
          : ''
      }
      <section class="card" aria-label="Keys">
      ${
        keys.length === 0
          ? html`<p class="empty">No keys.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col" class="hide-sm">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${keys.map(
            (k) => html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.scopes.join(', ')}</td>
              <td class="hide-sm">${k.lastUsedAt ? formatTime(k.lastUsedAt, tz) : 'Never'}</td>
              <td>${
                k.revokedAt
                  ? html`<span class="badge bad">Revoked</span>`
                  : html`<form method="post" action="${base}/api-keys/${encodeURIComponent(k.id)}/revoke" data-confirm="Revoke this key? Integrations using it stop working at once.">${csrfField(shell.csrf)}
                    <button class="btn small danger" type="submit">Revoke<span class="visually-hidden"> ${k.name}</span></button></form>`
              }</td></tr>`,
          )}</tbody></table></div>`
      }</section>
      <section class="card" aria-labelledby="h-new"><h2 id="h-new">Create a key</h2>
        ${errorSummary(state)}
        <form method="post" action="${base}/api-keys" novalidate>
          ${csrfField(shell.csrf)}
          ${input(state, { name: 'name', label: 'Name', required: true, hint: 'Where it is used, for example “PagerDuty”.', attrs: { maxlength: 80 } })}
          <fieldset id="f-scopes"${state.errors.scopes ? html` aria-describedby="f-scopes-error"` : ''}><legend>Scopes</legend>
            ${scopes.map(([v, l, hint]) => checkbox(state, { name: `scope.${v}`, label: l, hint }))}
            ${state.errors.scopes ? html`<p class="error" id="f-scopes-error">${state.errors.scopes}</p>` : ''}
          </fieldset>
          <div class="actions"><button class="btn primary" type="submit">Create key</button></div>
        </form>
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'API keys', section: 'api-keys', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/api-keys', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return keysPage(c, shell);
  });

  app.post('/api-keys', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const chosen = scopes.map(([v]) => v).filter((v) => f[`scope.${v}`] === 'on');
    const r = await kit.call<ApiKeyView & { key: string }>(c, 'POST', '/v1/api-keys', {
      body: { name: f.name ?? '', scopes: chosen },
      form: f,
      idempotent: false,
    });
    if (!r.ok) {
      const aliases = Object.fromEntries(chosen.map((_, i) => [`scopes.${i}`, 'scopes']));
      return keysPage(c, shell, { state: withApiError(formState(f), r.error, ['name', 'scopes'], aliases) }, r.status);
    }
    // The secret exists only in this response: render it here instead of redirecting, and never cache it.
    c.header('Cache-Control', 'no-store');
    return keysPage(c, shell, { created: r.data }, 201);
  });

  app.post('/api-keys/:id/revoke', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/api-keys/${encodeURIComponent(c.req.param('id'))}`, {
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/api-keys', 'key-revoked');
    if (r.status === 404) return kit.notFound(c, shell);
    return keysPage(c, shell, { state: withApiError(formState(), r.error, []) }, r.status);
  });
}
