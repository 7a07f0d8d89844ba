import { type Component, type Maintenance, maintenanceStatusLabels } from '@upstate/core';
import { renderMarkdown } from '@upstate/render';
import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  badge,
  checkbox,
  csrfField,
  errorSummary,
  formatTime,
  formState,
  impactOptions,
  input,
  isoToZoned,
  select,
  textarea,
  withApiError,
  zonedToIso,
} from '../ui.ts';

const nextStatuses = (['in_progress', 'verifying', 'completed'] as const).map(
  (status) => [status, maintenanceStatusLabels[status]] as const,
);

export function maintenanceRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function listPage(c: Context, shell: Shell, state = formState(), status = 200) {
    const [r, comps] = await Promise.all([
      kit.call<{ data: Maintenance[] }>(c, 'GET', '/v1/maintenances?limit=50'),
      kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
    ]);
    const items = r.ok ? r.data.data : [];
    const components = comps.ok ? comps.data.data : [];
    const tz = shell.timezone;
    const now = kit.now();
    const start = isoToZoned(new Date(now.getTime() + 24 * 3600_000).toISOString(), tz);
    const end = isoToZoned(new Date(now.getTime() + 26 * 3600_000).toISOString(), tz);
    const body = html`<div class="page-head"><div><h1>Scheduled maintenance</h1><p>Announce planned work. It starts and ends on its own unless you turn that off.</p></div></div>
      <section class="card" aria-label="Maintenance windows">
      ${
        items.length === 0
          ? html`<p class="empty">Nothing scheduled.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Maintenance</th><th scope="col">Status</th><th scope="col" class="hide-sm">Window</th></tr></thead>
          <tbody>${items.map(
            (
              m,
            ) => html`<tr><td><a href="${base}/maintenance/${encodeURIComponent(m.id)}">${m.name}</a></td><td>${badge(m.status)}</td>
              <td class="hide-sm">${formatTime(m.scheduledFor, tz)} – ${formatTime(m.scheduledUntil, tz)}</td></tr>`,
          )}</tbody></table></div>`
      }</section>
      <section class="card" aria-labelledby="h-new"><h2 id="h-new">Schedule maintenance</h2>
        ${errorSummary(state)}
        <form method="post" action="${base}/maintenance" novalidate>
          ${csrfField(shell.csrf)}
          ${input(state, { name: 'name', label: 'Title', required: true, attrs: { maxlength: 120 } })}
          <div class="form-grid">
            ${input(state, { name: 'scheduledFor', label: 'Starts', type: 'datetime-local', required: true, value: start, hint: `Time zone: ${tz}` })}
            ${input(state, { name: 'scheduledUntil', label: 'Ends', type: 'datetime-local', required: true, value: end, hint: `Time zone: ${tz}` })}
            ${select(state, { name: 'impact', label: 'Impact', options: impactOptions, value: 'minor' })}
          </div>
          ${
            components.length
              ? html`<fieldset><legend>Components under maintenance</legend><div class="choices">${components.map((x) =>
                  checkbox(state, { name: `componentIds.${x.id}`, label: x.name }),
                )}</div></fieldset>`
              : ''
          }
          ${textarea(state, { name: 'body', label: 'Details for your customers', required: true, rows: 4, hint: 'Markdown.' })}
          ${checkbox(state, { name: 'autoStart', label: 'Start automatically at the start time', checked: true })}
          ${checkbox(state, { name: 'autoComplete', label: 'Complete automatically at the end time', checked: true })}
          ${checkbox(state, { name: 'notify', label: 'Notify subscribers', checked: true, hint: 'Untick to put the notice on the page without telling subscribers.' })}
          <div class="actions"><button class="btn primary" type="submit">Schedule</button></div>
        </form>
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'Scheduled maintenance', section: 'maintenance', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/maintenance', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return listPage(c, shell);
  });

  app.post('/maintenance', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const componentIds = Object.keys(f)
      .filter((k) => k.startsWith('componentIds.') && f[k] === 'on')
      .map((k) => k.slice('componentIds.'.length));
    const when = (name: string) => zonedToIso(f[name] ?? '', shell.timezone) ?? f[name] ?? '';
    const r = await kit.call(c, 'POST', '/v1/maintenances', {
      body: {
        name: f.name ?? '',
        impact: f.impact ?? '',
        scheduledFor: when('scheduledFor'),
        scheduledUntil: when('scheduledUntil'),
        componentIds,
        autoStart: f.autoStart === 'on',
        autoComplete: f.autoComplete === 'on',
        body: f.body ?? '',
        notify: f.notify === 'on',
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/maintenance', 'maintenance-created');
    const aliases = Object.fromEntries(componentIds.map((id, i) => [`componentIds.${i}`, `componentIds.${id}`]));
    const fields = ['name', 'impact', 'scheduledFor', 'scheduledUntil', 'body', 'autoStart', 'autoComplete'];
    fields.push(...componentIds.map((id) => `componentIds.${id}`));
    return listPage(c, shell, withApiError(formState(f), r.error, fields, aliases), r.status);
  });

  async function detailPage(c: Context, shell: Shell, id: string, state = formState(), status = 200) {
    const r = await kit.call<Maintenance>(c, 'GET', `/v1/maintenances/${encodeURIComponent(id)}`);
    if (!r.ok) return kit.notFound(c, shell);
    const m = r.data;
    const tz = shell.timezone;
    const action = `${base}/maintenance/${encodeURIComponent(m.id)}`;
    const body = html`<div class="page-head"><div><h1>${m.name}</h1>
        <p class="inline">${badge(m.status)} <span class="muted">${formatTime(m.scheduledFor, tz)} – ${formatTime(m.scheduledUntil, tz)}</span></p>
        <p class="small muted">${m.autoStart ? 'Starts automatically.' : 'Starts when you post “In progress”.'} ${m.autoComplete ? 'Completes automatically.' : 'Completes when you post “Completed”.'}</p>
        <p><a href="${base}/maintenance">← All maintenance</a></p></div></div>
      ${
        m.status !== 'completed'
          ? html`<section class="card" aria-labelledby="h-update"><h2 id="h-update">Post an update</h2>
          ${errorSummary(state)}
          <form method="post" action="${action}/updates" novalidate>
            ${csrfField(shell.csrf)}
            ${select(state, { name: 'status', label: 'Status', options: nextStatuses })}
            ${textarea(state, { name: 'body', label: 'Update', required: true, rows: 3, hint: 'Markdown.' })}
            ${checkbox(state, { name: 'notify', label: 'Notify subscribers', checked: true })}
            <button class="btn primary" type="submit">Post update</button>
          </form></section>`
          : ''
      }
      <section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">Updates</h2>
        <ol class="timeline" reversed>${[...m.updates].reverse().map(
          (
            u,
          ) => html`<li><div class="inline">${badge(u.status)}<span class="meta">${formatTime(u.createdAt, tz)} · ${u.author.label}</span></div>
            <div class="prose">${raw(renderMarkdown(u.body))}</div></li>`,
        )}</ol>
      </section>
      ${
        m.status === 'scheduled'
          ? html`<section class="card" aria-labelledby="h-cancel"><h2 id="h-cancel">Cancel</h2>
          <form method="post" action="${action}/delete" data-confirm="Cancel this maintenance?">${csrfField(shell.csrf)}
          <button class="btn danger" type="submit">Cancel maintenance</button></form></section>`
          : ''
      }`;
    return kit.render(
      c,
      page(shell, { title: m.name, section: 'maintenance', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/maintenance/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return detailPage(c, shell, c.req.param('id'));
  });

  app.post('/maintenance/:id/updates', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', `/v1/maintenances/${encodeURIComponent(id)}/updates`, {
      body: { status: f.status ?? '', body: f.body ?? '', notify: f.notify === 'on' },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/maintenance/${encodeURIComponent(id)}`, 'maintenance-updated');
    if (r.status === 404) return kit.notFound(c, shell);
    return detailPage(c, shell, id, withApiError(formState(f), r.error, ['status', 'body']), r.status);
  });

  app.post('/maintenance/:id/delete', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/maintenances/${encodeURIComponent(id)}`, { form: f });
    if (r.ok) return kit.redirect(c, '/maintenance', 'maintenance-deleted');
    if (r.status === 404) return kit.notFound(c, shell);
    return detailPage(c, shell, id, withApiError(formState(), r.error, []), r.status);
  });
}
