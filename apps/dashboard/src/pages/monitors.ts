import type { CheckResult, Component, Monitor } from '@upstate/core';
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
  radios,
  select,
  withApiError,
} from '../ui.ts';

const fields = [
  'componentId',
  'name',
  'config.kind',
  'config.url',
  'config.method',
  'config.expectedStatus.min',
  'config.expectedStatus.max',
  'config.keyword',
  'config.timeoutMs',
  'config.degradedThresholdMs',
  'config.graceSeconds',
  'intervalSeconds',
  'failureThreshold',
  'recoveryThreshold',
];

/** Numbers from form text; anything else goes to the API as typed so its error names the field. */
const num = (v: string | undefined, fallback: number): number | string => {
  if (v === undefined || v.trim() === '') return fallback;
  return /^-?\d+$/.test(v.trim()) ? Number(v) : v;
};

function monitorBody(f: Record<string, string>) {
  const config =
    f['config.kind'] === 'heartbeat'
      ? { kind: 'heartbeat', graceSeconds: num(f['config.graceSeconds'], 60) }
      : {
          kind: 'http',
          url: f['config.url'] ?? '',
          method: f['config.method'] || 'GET',
          expectedStatus: {
            min: num(f['config.expectedStatus.min'], 200),
            max: num(f['config.expectedStatus.max'], 299),
          },
          keyword: f['config.keyword']?.trim() ? f['config.keyword'] : null,
          timeoutMs: num(f['config.timeoutMs'], 10_000),
          followRedirects: true,
          headers: {},
          degradedThresholdMs: num(f['config.degradedThresholdMs'], 2000),
        };
  return {
    componentId: f.componentId ?? '',
    name: f.name ?? '',
    config,
    intervalSeconds: num(f.intervalSeconds, 60),
    failureThreshold: num(f.failureThreshold, 3),
    recoveryThreshold: num(f.recoveryThreshold, 2),
  };
}

export function monitorRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function listPage(c: Context, shell: Shell, state: FormState = formState(), status = 200) {
    const [r, comps] = await Promise.all([
      kit.call<{ data: Monitor[] }>(c, 'GET', '/v1/monitors'),
      kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
    ]);
    const monitors = r.ok ? r.data.data : [];
    const components = comps.ok ? comps.data.data : [];
    const names = new Map(components.map((x) => [x.id, x.name]));
    const body = html`<div class="page-head"><div><h1>Monitors</h1><p>Checks that set component status for you: HTTP checks from our side, or heartbeats from your jobs.</p></div></div>
      <section class="card" aria-label="Monitors">
      ${
        monitors.length === 0
          ? html`<p class="empty">No monitors yet.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Monitor</th><th scope="col">Component</th><th scope="col">Last result</th><th scope="col" class="hide-sm">Every</th></tr></thead>
          <tbody>${monitors.map(
            (
              m,
            ) => html`<tr><td><a href="${base}/monitors/${encodeURIComponent(m.id)}">${m.name}</a> <span class="muted small">${m.config.kind === 'http' ? m.config.url : 'heartbeat'}</span>${m.paused ? html` <span class="badge">Paused</span>` : ''}</td>
              <td>${names.get(m.componentId) ?? '—'}</td><td>${m.lastResult ? badge(m.lastResult) : html`<span class="muted">No checks yet</span>`}</td>
              <td class="hide-sm">${m.intervalSeconds} s</td></tr>`,
          )}</tbody></table></div>`
      }</section>
      <section class="card" aria-labelledby="h-new"><h2 id="h-new">Add a monitor</h2>
      ${
        components.length === 0
          ? html`<p class="muted">Add a <a href="${base}/components">component</a> first: a monitor drives a component’s status.</p>`
          : html`${errorSummary(state)}
        <form method="post" action="${base}/monitors" novalidate>
          ${csrfField(shell.csrf)}
          <div class="form-grid">
            ${input(state, { name: 'name', label: 'Name', required: true, attrs: { maxlength: 120 } })}
            ${select(state, { name: 'componentId', label: 'Component', options: components.map((x) => [x.id, x.name] as const) })}
          </div>
          ${radios(state, {
            name: 'config.kind',
            legend: 'Type',
            options: [
              ['http', 'HTTP check'],
              ['heartbeat', 'Heartbeat (your job pings us)'],
            ],
            value: 'http',
          })}
          <fieldset data-monitor-kind="http"><legend>HTTP check</legend>
            ${input(state, { name: 'config.url', label: 'URL', type: 'url', hint: 'Needed for an HTTP check: http:// or https://', noOptionalMark: true, attrs: { inputmode: 'url', autocomplete: 'off' } })}
            <div class="form-grid">
              ${select(state, {
                name: 'config.method',
                label: 'Method',
                options: [
                  ['GET', 'GET'],
                  ['HEAD', 'HEAD'],
                  ['POST', 'POST'],
                ],
              })}
              ${input(state, { name: 'config.expectedStatus.min', label: 'Lowest OK status', type: 'number', value: '200', required: true })}
              ${input(state, { name: 'config.expectedStatus.max', label: 'Highest OK status', type: 'number', value: '299', required: true })}
              ${input(state, { name: 'config.keyword', label: 'Body must contain', hint: 'A word the page must show.' })}
              ${input(state, { name: 'config.timeoutMs', label: 'Timeout (ms)', type: 'number', value: '10000', required: true })}
              ${input(state, { name: 'config.degradedThresholdMs', label: 'Slow above (ms)', type: 'number', value: '2000', required: true })}
            </div>
          </fieldset>
          <fieldset data-monitor-kind="heartbeat"><legend>Heartbeat</legend>
            ${input(state, { name: 'config.graceSeconds', label: 'Grace period (s)', type: 'number', value: '60', required: true, hint: 'How late a ping may be before the component is down.' })}
          </fieldset>
          <div class="form-grid">
            ${input(state, { name: 'intervalSeconds', label: 'Check every (s)', type: 'number', value: '60', required: true, hint: '60 to 86400.' })}
            ${input(state, { name: 'failureThreshold', label: 'Failures before outage', type: 'number', value: '3', required: true })}
            ${input(state, { name: 'recoveryThreshold', label: 'Successes before recovery', type: 'number', value: '2', required: true })}
          </div>
          <div class="actions"><button class="btn primary" type="submit">Add monitor</button></div>
        </form>`
      }</section>`;
    return kit.render(
      c,
      page(shell, { title: 'Monitors', section: 'monitors', body, notice: c.req.query('notice') }),
      status,
    );
  }

  async function detailPage(
    c: Context,
    shell: Shell,
    id: string,
    heartbeatUrl?: string,
    status = 200,
    error?: FormState,
  ) {
    const [r, checks, comps] = await Promise.all([
      kit.call<Monitor>(c, 'GET', `/v1/monitors/${encodeURIComponent(id)}`),
      kit.call<{ data: CheckResult[] }>(c, 'GET', `/v1/monitors/${encodeURIComponent(id)}/checks`),
      kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
    ]);
    if (!r.ok) return kit.notFound(c, shell);
    const m = r.data;
    const results = checks.ok ? checks.data.data : [];
    const component = comps.ok ? comps.data.data.find((x) => x.id === m.componentId) : undefined;
    const action = `${base}/monitors/${encodeURIComponent(m.id)}`;
    const tz = shell.timezone;
    const body = html`<div class="page-head"><div><h1>${m.name}</h1>
        <p class="inline">${m.lastResult ? badge(m.lastResult) : html`<span class="badge">No checks yet</span>`}${m.paused ? html`<span class="badge">Paused</span>` : ''}
        <span class="muted">${m.config.kind === 'http' ? `${m.config.method} ${m.config.url}` : 'Heartbeat'} · every ${m.intervalSeconds} s · drives ${component?.name ?? 'a deleted component'}</span></p>
        <p><a href="${base}/monitors">← All monitors</a></p></div>
        <div class="row-actions">
          <form method="post" action="${action}/pause">${csrfField(shell.csrf)}<input type="hidden" name="paused" value="${m.paused ? 'false' : 'true'}">
            <button class="btn" type="submit">${m.paused ? 'Resume' : 'Pause'}</button></form>
          <form method="post" action="${action}/delete" data-confirm="Delete this monitor?">${csrfField(shell.csrf)}<button class="btn danger" type="submit">Delete</button></form>
        </div></div>
      ${error ? errorSummary(error) : ''}
      ${
        heartbeatUrl
          ? html`<div class="notice warn" role="status"><p><strong>Your heartbeat URL — shown once.</strong> Have your job request it (GET or POST) at least every ${m.intervalSeconds} s.</p><code class="secret">${heartbeatUrl}</code></div>`
          : ''
      }
      <section class="card" aria-labelledby="h-checks"><h2 id="h-checks">Recent checks</h2>
      ${
        results.length === 0
          ? html`<p class="empty">No checks yet. The first runs within a minute.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Result</th><th scope="col">Latency</th><th scope="col" class="hide-sm">HTTP status</th><th scope="col" class="hide-sm">Error</th></tr></thead>
          <tbody>${results.map(
            (
              x,
            ) => html`<tr><td>${formatTime(x.at, tz)}</td><td>${badge(x.result)}</td><td>${x.latencyMs === null ? '—' : `${Math.round(x.latencyMs)} ms`}</td>
              <td class="hide-sm">${x.statusCode ?? '—'}</td><td class="hide-sm small">${x.error ?? ''}</td></tr>`,
          )}</tbody></table></div>`
      }</section>`;
    return kit.render(
      c,
      page(shell, { title: m.name, section: 'monitors', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/monitors', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return listPage(c, shell);
  });

  app.post('/monitors', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call<Monitor & { heartbeatUrl: string | null }>(c, 'POST', '/v1/monitors', {
      body: monitorBody(f),
      form: f,
      idempotent: false,
    });
    if (!r.ok) return listPage(c, shell, withApiError(formState(f), r.error, fields), r.status);
    if (r.data.heartbeatUrl) {
      c.header('Cache-Control', 'no-store');
      return detailPage(c, shell, r.data.id, r.data.heartbeatUrl, 201);
    }
    return kit.redirect(c, `/monitors/${encodeURIComponent(r.data.id)}`, 'monitor-saved');
  });

  app.get('/monitors/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return detailPage(c, shell, c.req.param('id'));
  });

  app.post('/monitors/:id/pause', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'PATCH', `/v1/monitors/${encodeURIComponent(id)}`, {
      body: { paused: f.paused === 'true' },
      form: f,
    });
    if (r.ok) return kit.redirect(c, `/monitors/${encodeURIComponent(id)}`, 'monitor-saved');
    if (r.status === 404) return kit.notFound(c, shell);
    return detailPage(c, shell, id, undefined, r.status, withApiError(formState(), r.error, []));
  });

  app.post('/monitors/:id/delete', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'DELETE', `/v1/monitors/${encodeURIComponent(id)}`, { form: f });
    if (r.ok) return kit.redirect(c, '/monitors', 'monitor-deleted');
    if (r.status === 404) return kit.notFound(c, shell);
    return detailPage(c, shell, id, undefined, r.status, withApiError(formState(), r.error, []));
  });
}
