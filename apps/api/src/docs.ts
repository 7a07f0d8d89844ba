// A self-contained API reference rendered from the OpenAPI document: no CDN, no scripts,
// so it works offline and under a strict CSP.

type Doc = {
  info: { title: string; description?: string; version: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
};
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

export function renderDocs(doc: Doc): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([code, r]) => `<li><code>${escapeHtml(code)}</code> ${escapeHtml(r.description ?? '')}</li>`)
        .join('');
      const html = `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p class="d">${escapeHtml(op.description)}</p>` : ''}
<p class="auth">${op.security?.length ? 'Auth: API key (Bearer) or session' : 'No authentication'}</p>
${body ? `<details><summary>Request body schema</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''}
<ul class="r">${responses}</ul></section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const nav = [...byTag.keys()].map((t) => `<li><a href="#${escapeHtml(t)}">${escapeHtml(t)}</a></li>`).join('');
  const sections = [...byTag.entries()]
    .map(([t, ops]) => `<h2 id="${escapeHtml(t)}">${escapeHtml(t)}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.info.title)} reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#fff;padding:1.5rem 2rem}main{display:grid;grid-template-columns:14rem 1fr;gap:2rem;padding:2rem;max-width:72rem;margin:auto}
nav ul{list-style:none;padding:0;position:sticky;top:1rem}nav a{color:#1d4ed8}
.op{background:#fff;border:1px solid #e5e7eb;border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem}
.op h3{margin:0;font-size:1rem}.m{display:inline-block;min-width:4.5rem;font-size:.75rem;font-weight:700;color:#fff;border-radius:.25rem;padding:.1rem .4rem;text-align:center}
.get{background:#1d4ed8}.post{background:#047857}.patch,.put{background:#92400e}.delete{background:#b91c1c}
pre{background:#f3f4f6;padding:.75rem;overflow:auto;font-size:.8rem}.auth,.d{color:#4b5563;font-size:.9rem}
@media (max-width:48rem){main{grid-template-columns:1fr}}
</style></head><body><header><h1>${escapeHtml(doc.info.title)} <small>v${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')}</p><p>Machine-readable: <a style="color:#93c5fd" href="/openapi.json">/openapi.json</a></p></header>
<main><nav aria-label="Sections"><ul>${nav}</ul></nav><div>${sections}</div></main></body></html>`;
}
