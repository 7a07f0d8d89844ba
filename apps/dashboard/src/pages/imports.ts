import type { ImportJob } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import { badge, csrfField, errorSummary, type FormState, formatTime, formState, input, withApiError } from '../ui.ts';

const running = (job: ImportJob) => job.status === 'queued' || job.status === 'running';

function progress(job: ImportJob) {
  const { done, total, phase } = job.progress;
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  return html`<div class="field">
    <label for="import-progress">Progress: ${phase === 'done' ? 'finished' : phase} — ${done} of ${total || '…'}</label>
    <progress class="progress-bar" id="import-progress" max="${Math.max(total, 1)}" value="${done}">${percent}%</progress>
  </div>`;
}

export function importRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function listPage(c: Context, shell: Shell, state: FormState = formState(), status = 200) {
    const r = await kit.call<{ data: ImportJob[] }>(c, 'GET', '/v1/imports');
    const jobs = r.ok ? r.data.data : [];
    const body = html`<div class="page-head"><div><h1>Import from Statuspage</h1><p>Bring a public Statuspage page over: its components and groups, every incident with its full timeline (original times kept) and its maintenance. Importing again updates what was brought instead of duplicating it. Imported entries notify none of your subscribers.</p></div></div>
      <section class="card" aria-labelledby="h-start"><h2 id="h-start">Start an import</h2>
        ${errorSummary(state)}
        <form method="post" action="${base}/imports" novalidate>
          ${csrfField(shell.csrf)}
          ${input(state, { name: 'url', label: 'Statuspage page address', required: true, hint: 'The public https address, for example https://www.githubstatus.com', attrs: { autocapitalize: 'none', spellcheck: 'false', inputmode: 'url' } })}
          <div class="actions"><button class="btn primary" type="submit">Import</button></div>
        </form>
      </section>
      ${
        jobs.length
          ? html`<section class="card" aria-labelledby="h-recent"><h2 id="h-recent">Recent imports</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Result</th></tr></thead><tbody>
        ${jobs.map(
          (
            j,
          ) => html`<tr><td><a href="${base}/imports/${j.id}">${j.source.url}</a></td><td>${badge(j.status)}</td><td>${formatTime(j.createdAt, shell.timezone)}</td>
            <td>${j.status === 'completed' ? `${j.counts.created} created, ${j.counts.updated} updated, ${j.counts.unchanged} unchanged` : (j.error?.message ?? '')}</td></tr>`,
        )}
        </tbody></table></div></section>`
          : ''
      }`;
    return kit.render(c, page(shell, { title: 'Import', section: 'imports', body }), status);
  }

  app.get('/imports', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return listPage(c, shell);
  });

  app.post('/imports', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call<ImportJob>(c, 'POST', '/v1/imports', { body: { url: (f.url ?? '').trim() }, form: f });
    if (r.ok) return kit.redirect(c, `/imports/${r.data.id}`);
    return listPage(c, shell, withApiError(formState(f), r.error, ['url']), r.status);
  });

  app.get('/imports/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const r = await kit.call<ImportJob>(c, 'GET', `/v1/imports/${encodeURIComponent(c.req.param('id'))}`);
    if (!r.ok) return kit.notFound(c, shell);
    const job = r.data;
    const n = job.counts;
    const body = html`<div class="page-head"><div><h1>Import of ${job.source.url}</h1><p>${badge(job.status)} Started ${formatTime(job.createdAt, shell.timezone)} by ${job.startedBy.label}.</p></div></div>
      <section class="card" aria-labelledby="h-progress"><h2 id="h-progress">${running(job) ? 'Importing…' : job.status === 'completed' ? 'Finished' : 'Stopped'}</h2>
        ${progress(job)}
        ${running(job) ? html`<p class="small muted">This page refreshes itself every two seconds until the import ends.</p>` : ''}
        ${job.error ? html`<div class="notice bad" role="alert">${job.error.message} <span class="muted">(${job.error.code})</span></div>` : ''}
        <div class="table-wrap"><table><caption class="visually-hidden">What the import found and wrote</caption>
          <thead><tr><th scope="col">Groups</th><th scope="col">Components</th><th scope="col">Incidents</th><th scope="col">Maintenances</th><th scope="col">Created</th><th scope="col">Updated</th><th scope="col">Unchanged</th></tr></thead>
          <tbody><tr><td>${n.groups}</td><td>${n.components}</td><td>${n.incidents}</td><td>${n.maintenances}</td><td>${n.created}</td><td>${n.updated}</td><td>${n.unchanged}</td></tr></tbody></table></div>
        <div class="row-actions"><a class="btn" href="${base}/imports">All imports</a>${job.status === 'completed' ? html`<a class="btn" href="${base}/incidents">See the incidents</a>` : ''}</div>
      </section>`;
    // A plain refresh keeps the bar moving with no script; it stops once the job is done.
    if (running(job)) c.header('Refresh', '2');
    return kit.render(c, page(shell, { title: `Import of ${job.source.url}`, section: 'imports', body }));
  });
}
