import { badgeSvg, badges, embedFramePath, renderPage } from '@upstate/render';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit, TenantView } from '../kit.ts';
import { page } from '../layout.ts';
import type { Html } from '../ui.ts';
import { previewDocument, snapshotFor } from './branding.ts';

// Copy-and-paste snippets for the status badges and embeds, with a live preview: the badges as
// the next publish draws them (inline data: images, allowed by the dashboard's CSP) and the
// embed frame rendered by the tenant's theme in a sandboxed frame, as the branding preview is.

const dataUri = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

function snippet(id: string, label: string, code: string): Html {
  return html`<div class="field">
    <label for="${id}">${label}</label>
    <textarea id="${id}" rows="${Math.min(6, code.split('\n').length + 1)}" readonly spellcheck="false">${code}</textarea>
  </div>`;
}

export function embedRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function load(c: Context) {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return { response: shell };
    const t = await kit.call<TenantView>(c, 'GET', '/v1/tenant');
    if (!t.ok) return { response: await kit.notFound(c, shell) };
    return { shell, tenant: t.data, snapshot: await snapshotFor(kit, c, shell, t.data) };
  }

  app.get('/embeds', async (c) => {
    const loaded = await load(c);
    if (loaded.response) return loaded.response;
    const { shell, snapshot } = loaded;
    const url = shell.pageUrl;
    const name = snapshot.tenant.name;
    const all = badges(snapshot);
    const [pageBadge, ...componentBadges] = all;
    const pageBadgeCode = `<a href="${url}/">\n  <picture>\n    <source srcset="${url}/badges/status-dark.svg" media="(prefers-color-scheme: dark)">\n    <img src="${url}/badges/status.svg" alt="${name} status">\n  </picture>\n</a>`;
    const shieldsCode = `https://img.shields.io/endpoint?url=${encodeURIComponent(`${url}/badges/status.json`)}`;
    const scriptCode = `<script src="${url}/embed/script.js" async></script>`;
    const frameCode = `<iframe src="${url}${embedFramePath}" title="${name} status" width="320" height="120" style="border:0"></iframe>`;
    const body = html`<div class="page-head"><div><h1>Badges and embeds</h1><p>Show your status on your own site, README or dashboard. Badges and the embed update on every publish.</p></div></div>
      <section class="card" aria-labelledby="h-badges">
        <h2 id="h-badges">Status badges</h2>
        <p>SVG badges for the page and each component, in light and dark (add <code>-dark</code> before <code>.svg</code>), and a shields.io endpoint (<code>.json</code>) to style them there.</p>
        <h3>Preview</h3>
        <p class="badge-preview">${all.map((b) => html`<img src="${dataUri(badgeSvg(b, 'light'))}" alt="${b.label}: ${b.message}"> `)}</p>
        <p class="badge-preview badge-preview-dark">${pageBadge ? html`<img src="${dataUri(badgeSvg(pageBadge, 'dark'))}" alt="${pageBadge.label}: ${pageBadge.message} (dark)">` : ''}</p>
        ${snippet('snippet-badge', 'Page badge (HTML)', pageBadgeCode)}
        ${snippet('snippet-markdown', 'Page badge (Markdown)', `[![${name} status](${url}/badges/status.svg)](${url}/)`)}
        ${snippet('snippet-shields', 'shields.io endpoint badge', shieldsCode)}
        ${
          componentBadges.length
            ? html`<table><caption>Component badges</caption><thead><tr><th scope="col">Component</th><th scope="col">Now</th><th scope="col">Badge URL</th></tr></thead><tbody>
          ${componentBadges.map(
            (b) =>
              html`<tr><th scope="row">${b.label}</th><td><img src="${dataUri(badgeSvg(b, 'light'))}" alt="${b.message}"></td><td><code>${url}/${b.stem}.svg</code></td></tr>`,
          )}</tbody></table>`
            : ''
        }
      </section>
      <section class="card" aria-labelledby="h-script">
        <h2 id="h-script">Status notice script</h2>
        <p>One script tag, no dependencies (under 3 KB). While an incident is open or a maintenance is in progress it shows a small notice on your site, linking here; otherwise it shows nothing.</p>
        <p>${
          snapshot.incidents.some((i) => i.status !== 'resolved' && i.status !== 'postmortem')
            ? html`Right now it would show: <strong>Active incident</strong>.`
            : html`Right now it would show nothing: no incident is open.`
        }</p>
        ${snippet('snippet-script', 'Script tag', scriptCode)}
      </section>
      <section class="card" aria-labelledby="h-frame">
        <h2 id="h-frame">Status frame</h2>
        <p>A small page made to be framed: the overall status and anything ongoing. It is the only page of your status site that other sites may frame.</p>
        ${snippet('snippet-frame', 'Iframe', frameCode)}
        <h3>Preview</h3>
        <iframe class="embed-frame-preview" title="Preview of the status frame" src="${base}/embeds/frame-preview" width="320" height="120" sandbox></iframe>
      </section>`;
    return kit.render(c, page(shell, { title: 'Badges and embeds', section: 'embeds', body }));
  });

  app.get('/embeds/frame-preview', async (c) => {
    const loaded = await load(c);
    if (loaded.response) return loaded.response;
    const { snapshot } = loaded;
    try {
      const rendered = (await renderPage(snapshot, embedFramePath)).html;
      return previewDocument(c, base, rendered, snapshot.branding.brandColor);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', message: 'embed preview render failed', error: String(error) }));
      c.header('Retry-After', '5');
      return c.html(
        '<!doctype html><html lang="en"><title>Preview unavailable</title><p>Preview unavailable.</p></html>',
        503,
      );
    }
  });
}
