import type { CustomDomain } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import { badge, csrfField, errorSummary, type FormState, formatTime, formState, input, withApiError } from '../ui.ts';

type DomainView = CustomDomain & { instructions: string };

export function domainRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function domainPage(c: Context, shell: Shell, state: FormState = formState(), status = 200) {
    const r = await kit.call<{ data: DomainView[] }>(c, 'GET', '/v1/domains');
    const domains = r.ok ? r.data.data : [];
    const tz = shell.timezone;
    const body = html`<div class="page-head"><div><h1>Custom domain</h1><p>Serve your page on your own domain, such as status.example.com. We route it only after you prove you own it with a DNS TXT record.</p></div></div>
      ${domains.map((d) => {
        const action = `${base}/domain/${encodeURIComponent(d.domain)}`;
        return html`<section class="card" aria-label="${d.domain}">
          <div class="card-head"><h2>${d.domain}</h2>${badge(d.status)}</div>
          ${
            d.status === 'verified'
              ? html`<p>Verified ${formatTime(d.verifiedAt, tz)}. Point a CNAME record for <code>${d.domain}</code> at the platform’s CDN endpoint.</p>`
              : html`<p>Create this DNS record at your DNS provider, then select <strong>Verify</strong>:</p>
                <div class="table-wrap"><table><thead><tr><th scope="col">Type</th><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
                <tbody><tr><td>TXT</td><td><code class="mono">${d.txtRecordName}</code></td><td><code class="mono">${d.txtRecordValue}</code></td></tr></tbody></table></div>
                <p class="small muted">Last checked: ${formatTime(d.lastCheckedAt, tz)}</p>`
          }
          <div class="row-actions">
            ${d.status !== 'verified' ? html`<form method="post" action="${action}/verify">${csrfField(shell.csrf)}<button class="btn primary" type="submit">Verify<span class="visually-hidden"> ${d.domain}</span></button></form>` : ''}
            <form method="post" action="${action}/delete" data-confirm="Remove this domain? It stops serving your page at once.">${csrfField(shell.csrf)}<button class="btn danger" type="submit">Remove<span class="visually-hidden"> ${d.domain}</span></button></form>
          </div>
        </section>`;
      })}
      <section class="card" aria-labelledby="h-add"><h2 id="h-add">Add a domain</h2>
        ${errorSummary(state)}
        <form method="post" action="${base}/domain" novalidate>
          ${csrfField(shell.csrf)}
          ${input(state, { name: 'domain', label: 'Domain', required: true, hint: 'For example status.example.com', attrs: { autocapitalize: 'none', spellcheck: 'false', inputmode: 'url' } })}
          <div class="actions"><button class="btn primary" type="submit">Add domain</button></div>
        </form>
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'Custom domain', section: 'domain', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/domain', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return domainPage(c, shell);
  });

  app.post('/domain', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', '/v1/domains', {
      body: { domain: (f.domain ?? '').trim() },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/domain');
    return domainPage(c, shell, withApiError(formState(f), r.error, ['domain']), r.status);
  });

  app.post('/domain/:domain/verify', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call<DomainView>(c, 'POST', `/v1/domains/${encodeURIComponent(c.req.param('domain'))}/verify`, {
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/domain', r.data.status === 'verified' ? 'domain-verified' : 'domain-pending');
    if (r.status === 404) return kit.notFound(c, shell);
    return domainPage(c, shell, withApiError(formState(), r.error, []), r.status);
  });

  app.post('/domain/:domain/delete', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/domains/${encodeURIComponent(c.req.param('domain'))}`, {
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/domain', 'domain-removed');
    if (r.status === 404) return kit.notFound(c, shell);
    return domainPage(c, shell, withApiError(formState(), r.error, []), r.status);
  });
}
