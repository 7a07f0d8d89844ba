import {
  type Component,
  type Incident,
  type IncidentStatus,
  type IncidentUpdate,
  incidentStatusLabels,
} from '@upstate/core';
import { renderMarkdown } from '@upstate/render';
import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { ApiError } from '../api-client.ts';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  badge,
  checkbox,
  componentStatusOptions,
  csrfField,
  errorSummary,
  type FormState,
  fieldId,
  formatTime,
  formState,
  impactOptions,
  input,
  label,
  select,
  textarea,
  withApiError,
} from '../ui.ts';
import { type AuditEvent, auditTable } from './overview.ts';

const statusOption = (status: IncidentStatus) => [status, incidentStatusLabels[status]] as const;
const openStatuses = (['investigating', 'identified', 'monitoring'] as const).map(statusOption);
const updateStatuses = [...openStatuses, statusOption('resolved'), statusOption('postmortem')];
const componentChoice = [['', 'Not affected / no change'], ...componentStatusOptions] as const;

/** Per-component selects `component.<id>` become the API's `components` array; aliases map its indexes back. */
function componentChanges(f: Record<string, string>, components: Component[]) {
  const list: { componentId: string; status: string }[] = [];
  const aliases: Record<string, string> = {};
  for (const x of components) {
    const status = f[`component.${x.id}`];
    if (!status) continue;
    const i = list.length;
    list.push({ componentId: x.id, status });
    for (const suffix of ['', '.status', '.componentId']) aliases[`components.${i}${suffix}`] = `component.${x.id}`;
  }
  return { list, aliases };
}

function componentFieldset(state: FormState, components: Component[], legend: string, hint: string) {
  if (components.length === 0) return html`<p class="muted small">You have no components yet.</p>`;
  return html`<fieldset><legend>${legend}</legend><p class="hint">${hint}</p>
    <div class="form-grid">${components.map((x) =>
      select(state, { name: `component.${x.id}`, label: x.name, options: componentChoice }),
    )}</div></fieldset>`;
}

// Checked unless the person unticks it: an unticked box is not sent, so the API gets `notify: false`.
const notifyField = (state: FormState, name: string) =>
  checkbox(state, {
    name,
    label: 'Notify subscribers',
    checked: true,
    hint: 'Untick to put this on the page without emailing or calling subscribers.',
  });
const notifyValue = (f: Record<string, string>, name: string) => f[name] === 'on';

function markdownField(
  base: string,
  state: FormState,
  name: string,
  labelText: string,
  required: boolean,
  preview: boolean,
) {
  const source = state.values[name] ?? '';
  const id = `${fieldId(name)}-preview`;
  // Without JavaScript the preview button re-renders the form with this box filled; the script
  // fills it as you type instead, from the same sanitiser.
  return html`${textarea(state, {
    name,
    label: labelText,
    required,
    rows: 6,
    hint: 'Markdown: **bold**, _italic_, lists, links. HTML is shown as text.',
    attrs: { 'data-markdown-url': `${base}/markdown-preview`, 'data-markdown-target': id },
  })}
  <div class="preview-box" id="${id}" aria-label="Preview" role="region" aria-live="polite"${preview ? '' : html` hidden`}>
    <p class="small muted">Preview</p>
    <div class="prose" data-markdown-output>${source.trim() ? raw(renderMarkdown(source)) : html`<p class="muted">Nothing to preview.</p>`}</div>
  </div>`;
}

export function incidentRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  const components = async (c: Context) => {
    const r = await kit.call<{ data: Component[] }>(c, 'GET', '/v1/components');
    return r.ok ? r.data.data : [];
  };

  app.post('/markdown-preview', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const source = (await kit.form(c)).source ?? '';
    return c.html(source.trim() ? renderMarkdown(source.slice(0, 20_000)) : '<p class="muted">Nothing to preview.</p>');
  });

  app.get('/incidents', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const cursor = c.req.query('cursor');
    const r = await kit.call<{ data: Incident[]; nextCursor: string | null }>(
      c,
      'GET',
      `/v1/incidents?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const items = r.ok ? r.data.data : [];
    const body = html`<div class="page-head"><div><h1>Incidents</h1><p>Open, update and resolve incidents. Every change is kept in the audit trail.</p></div>
        <a class="btn primary" href="${base}/incidents/new">Report an incident</a></div>
      <section class="card" aria-label="Incidents">
      ${
        items.length === 0
          ? html`<p class="empty">No incidents. Good.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Incident</th><th scope="col">Status</th><th scope="col" class="hide-sm">Impact</th><th scope="col" class="hide-sm">Opened</th></tr></thead>
          <tbody>${items.map(
            (
              i,
            ) => html`<tr><td><a href="${base}/incidents/${encodeURIComponent(i.id)}">${i.name}</a></td><td>${badge(i.status)}</td>
              <td class="hide-sm">${badge(i.impact)}</td><td class="hide-sm">${formatTime(i.createdAt, shell.timezone)}</td></tr>`,
          )}</tbody></table></div>`
      }
      ${r.ok && r.data.nextCursor ? html`<p><a href="${base}/incidents?cursor=${encodeURIComponent(r.data.nextCursor)}">Older incidents</a></p>` : ''}
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'Incidents', section: 'incidents', body, notice: c.req.query('notice') }),
    );
  });

  async function newPage(c: Context, shell: Shell, state: FormState, preview = false, status = 200) {
    const comps = await components(c);
    const body = html`<div class="page-head"><div><h1>Report an incident</h1><p><a href="${base}/incidents">← All incidents</a></p></div></div>
      <section class="card" aria-label="New incident">
        ${errorSummary(state)}
        <form method="post" action="${base}/incidents" novalidate>
          ${csrfField(shell.csrf)}
          ${input(state, { name: 'name', label: 'Title', required: true, hint: 'For example “Elevated API error rates”.', attrs: { maxlength: 120 } })}
          <div class="form-grid">
            ${select(state, { name: 'status', label: 'Status', options: openStatuses, value: 'investigating' })}
            ${select(state, { name: 'impact', label: 'Impact', options: impactOptions, value: 'minor' })}
          </div>
          ${markdownField(base, state, 'body', 'Message to your customers', true, preview)}
          ${componentFieldset(state, comps, 'Affected components', 'Set the status each affected component shows while the incident is open.')}
          ${notifyField(state, 'notify')}
          <div class="actions">
            <button class="btn primary" type="submit">Open incident</button>
            <button class="btn" type="submit" name="intent" value="preview">Preview message</button>
          </div>
        </form>
      </section>`;
    return kit.render(c, page(shell, { title: 'Report an incident', section: 'incidents', body }), status);
  }

  app.get('/incidents/new', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return newPage(c, shell, formState());
  });

  app.post('/incidents', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const state = formState(f);
    if (f.intent === 'preview') return newPage(c, shell, state, true);
    const comps = await components(c);
    const { list, aliases } = componentChanges(f, comps);
    const r = await kit.call<Incident>(c, 'POST', '/v1/incidents', {
      body: {
        name: f.name ?? '',
        impact: f.impact ?? '',
        status: f.status ?? '',
        body: f.body ?? '',
        components: list,
        notify: notifyValue(f, 'notify'),
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/incidents/${encodeURIComponent(r.data.id)}`, 'incident-created');
    const fields = ['name', 'impact', 'status', 'body', ...comps.map((x) => `component.${x.id}`)];
    return newPage(c, shell, withApiError(state, r.error, fields, aliases), false, r.status);
  });

  interface DetailForms {
    update?: FormState;
    resolve?: FormState;
    reopen?: FormState;
    correction?: { updateId: string; state: FormState };
    preview?: boolean;
  }

  async function auditFor(c: Context, incidentId: string): Promise<AuditEvent[]> {
    const out: AuditEvent[] = [];
    let cursor: string | null = null;
    // The audit log is tenant-wide; an incident's trail is its own events plus the component changes it caused.
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const r: Awaited<ReturnType<typeof kit.call<{ data: AuditEvent[]; nextCursor: string | null }>>> = await kit.call(
        c,
        'GET',
        `/v1/audit-log?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (!r.ok) break;
      out.push(
        ...r.data.data.filter(
          (e) => (e.target.type === 'incident' && e.target.id === incidentId) || e.detail.incidentId === incidentId,
        ),
      );
      cursor = r.data.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  async function detailPage(c: Context, shell: Shell, id: string, forms: DetailForms = {}, status = 200) {
    const [r, comps, audit] = await Promise.all([
      kit.call<Incident>(c, 'GET', `/v1/incidents/${encodeURIComponent(id)}`),
      components(c),
      auditFor(c, id),
    ]);
    if (!r.ok) return kit.notFound(c, shell);
    const incident = r.data;
    const tz = shell.timezone;
    const names = new Map(comps.map((x) => [x.id, x.name]));
    const open = incident.status !== 'resolved' && incident.status !== 'postmortem';
    const action = `${base}/incidents/${encodeURIComponent(incident.id)}`;
    const affected = comps.filter((x) => incident.componentIds.includes(x.id));
    const update = forms.update ?? formState();
    const resolve = forms.resolve ?? formState();
    const reopen = forms.reopen ?? formState();
    const corrected = new Map(
      incident.updates.filter((u) => u.kind === 'correction').map((u) => [u.correctsUpdateId, u] as const),
    );

    const entry = (u: IncidentUpdate) => {
      const correction = forms.correction?.updateId === u.id ? forms.correction.state : formState();
      return html`<li>
        <div class="inline">${badge(u.status)}${u.kind === 'correction' ? html`<span class="badge">Correction</span>` : ''}
          <span class="meta">${formatTime(u.createdAt, tz)} · ${u.author.label}</span></div>
        ${u.kind === 'correction' ? html`<p class="small muted">Replaces the text of an earlier update on the public page; the original is kept here.</p>` : ''}
        ${corrected.has(u.id) ? html`<p class="small muted">Corrected later; the public page shows the correction.</p>` : ''}
        <div class="prose">${raw(renderMarkdown(u.body))}</div>
        ${
          u.componentChanges.length
            ? html`<ul class="small muted">${u.componentChanges.map(
                (ch) =>
                  html`<li>${names.get(ch.componentId) ?? ch.componentId}: ${label(ch.oldStatus)} → ${label(ch.newStatus)}</li>`,
              )}</ul>`
            : ''
        }
        ${
          u.kind === 'update'
            ? html`<details${forms.correction?.updateId === u.id ? html` open` : ''}><summary>Correct this update</summary>
              ${errorSummary(correction)}
              <form method="post" action="${action}/updates/${encodeURIComponent(u.id)}/corrections" novalidate>
                ${csrfField(shell.csrf)}
                ${textarea(correction, { name: `correction.${u.id}`, label: 'Corrected text', required: true, rows: 4, value: u.body })}
                <button class="btn small" type="submit">Post correction</button>
              </form></details>`
            : ''
        }
      </li>`;
    };

    const body = html`<div class="page-head">
        <div><h1>${incident.name}</h1>
          <p class="inline">${badge(incident.status)} ${badge(incident.impact)} <span class="muted">Opened ${formatTime(incident.createdAt, tz)}${incident.resolvedAt ? ` · resolved ${formatTime(incident.resolvedAt, tz)}` : ''}</span></p>
          <p><a href="${base}/incidents">← All incidents</a></p>
        </div>
      </div>
      ${affected.length ? html`<section class="card" aria-labelledby="h-affected"><h2 id="h-affected">Affected components</h2><ul class="list">${affected.map((x) => html`<li><span>${x.name}</span>${badge(x.status)}</li>`)}</ul></section>` : ''}
      ${
        open
          ? html`<section class="card" aria-labelledby="h-update"><h2 id="h-update">Post an update</h2>
          ${errorSummary(update)}
          <form method="post" action="${action}/updates" novalidate>
            ${csrfField(shell.csrf)}
            <div class="form-grid">
              ${select(update, { name: 'status', label: 'New status', options: updateStatuses, value: incident.status })}
              ${select(update, { name: 'impact', label: 'Impact', options: impactOptions, value: incident.impact })}
            </div>
            ${markdownField(base, update, 'body', 'Update', true, forms.preview === true)}
            ${componentFieldset(update, comps, 'Component status', 'Change the status a component shows; leave the rest as they are.')}
            ${notifyField(update, 'notify')}
            <div class="actions">
              <button class="btn primary" type="submit">Post update</button>
              <button class="btn" type="submit" name="intent" value="preview">Preview update</button>
            </div>
          </form></section>
          <section class="card" aria-labelledby="h-resolve"><h2 id="h-resolve">Resolve</h2>
          <p class="muted small">Affected components return to operational.</p>
          ${errorSummary(resolve)}
          <form method="post" action="${action}/resolve" novalidate>
            ${csrfField(shell.csrf)}
            ${textarea(resolve, { name: 'resolveBody', label: 'Resolution message', rows: 3, hint: 'Leave empty for “This incident has been resolved.”' })}
            ${notifyField(resolve, 'resolveNotify')}
            <button class="btn primary" type="submit">Resolve incident</button>
          </form></section>`
          : html`<section class="card" aria-labelledby="h-reopen"><h2 id="h-reopen">Reopen</h2>
          ${errorSummary(reopen)}
          <form method="post" action="${action}/reopen" novalidate>
            ${csrfField(shell.csrf)}
            ${select(reopen, { name: 'reopenStatus', label: 'Status', options: openStatuses, value: 'investigating' })}
            ${textarea(reopen, { name: 'reopenBody', label: 'Why it is reopened', required: true, rows: 3 })}
            ${notifyField(reopen, 'reopenNotify')}
            <button class="btn" type="submit">Reopen incident</button>
          </form></section>`
      }
      <section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2>
        <ol class="timeline" reversed>${[...incident.updates].reverse().map(entry)}</ol>
      </section>
      <section class="card" aria-labelledby="h-audit"><h2 id="h-audit">Audit trail</h2>
        <p class="muted small">Every state change and update with its author. Entries are never rewritten.</p>
        ${auditTable(audit, tz)}
      </section>`;
    return kit.render(
      c,
      page(shell, { title: incident.name, section: 'incidents', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/incidents/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return detailPage(c, shell, c.req.param('id'));
  });

  const failed = (c: Context, shell: Shell, id: string, error: ApiError, status: number, forms: DetailForms) =>
    status === 404 && error.code === 'not_found' ? kit.notFound(c, shell) : detailPage(c, shell, id, forms, status);

  app.post('/incidents/:id/updates', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const f = await kit.form(c);
    if (f.intent === 'preview') return detailPage(c, shell, id, { update: formState(f), preview: true });
    const comps = await components(c);
    const { list, aliases } = componentChanges(f, comps);
    const r = await kit.call(c, 'POST', `/v1/incidents/${encodeURIComponent(id)}/updates`, {
      body: {
        status: f.status ?? '',
        body: f.body ?? '',
        impact: f.impact || undefined,
        components: list,
        notify: notifyValue(f, 'notify'),
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/incidents/${encodeURIComponent(id)}`, 'incident-updated');
    const fields = ['status', 'impact', 'body', ...comps.map((x) => `component.${x.id}`)];
    return failed(c, shell, id, r.error, r.status, { update: withApiError(formState(f), r.error, fields, aliases) });
  });

  app.post('/incidents/:id/resolve', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', `/v1/incidents/${encodeURIComponent(id)}/resolve`, {
      body: {
        ...(f.resolveBody?.trim() ? { body: f.resolveBody } : {}),
        notify: notifyValue(f, 'resolveNotify'),
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/incidents/${encodeURIComponent(id)}`, 'incident-resolved');
    const state = withApiError(formState(f), r.error, ['resolveBody', 'resolveNotify'], {
      body: 'resolveBody',
      notify: 'resolveNotify',
    });
    return failed(c, shell, id, r.error, r.status, { resolve: state });
  });

  app.post('/incidents/:id/reopen', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', `/v1/incidents/${encodeURIComponent(id)}/reopen`, {
      body: {
        body: f.reopenBody ?? '',
        status: f.reopenStatus || undefined,
        notify: notifyValue(f, 'reopenNotify'),
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/incidents/${encodeURIComponent(id)}`, 'incident-reopened');
    const state = withApiError(formState(f), r.error, ['reopenBody', 'reopenStatus'], {
      body: 'reopenBody',
      status: 'reopenStatus',
    });
    return failed(c, shell, id, r.error, r.status, { reopen: state });
  });

  app.post('/incidents/:id/updates/:updateId/corrections', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const id = c.req.param('id');
    const updateId = c.req.param('updateId');
    const f = await kit.form(c);
    const name = `correction.${updateId}`;
    const r = await kit.call(
      c,
      'POST',
      `/v1/incidents/${encodeURIComponent(id)}/updates/${encodeURIComponent(updateId)}/corrections`,
      { body: { body: f[name] ?? '' }, form: f },
    );
    if (r.ok) return kit.redirect(c, `/incidents/${encodeURIComponent(id)}`, 'incident-corrected');
    const state = withApiError(formState({ [name]: f[name] ?? '' }), r.error, [name], { body: name });
    return failed(c, shell, id, r.error, r.status, { correction: { updateId, state } });
  });
}
