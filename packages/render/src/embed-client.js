// The status embed's browser code, served as /embed/script.js (see embed.ts). Plain JavaScript
// that references nothing outside its body: its source text is the file readers download.
export function upstateEmbed() {
  const me = document.currentScript;
  if (!me?.src) return;
  const base = new URL(me.src).origin;
  const css =
    ':host{all:initial}.n{position:fixed;z-index:2147483647;left:16px;bottom:16px;max-width:min(360px,calc(100vw - 32px));' +
    'box-sizing:border-box;display:flex;gap:10px;align-items:flex-start;padding:12px 14px;border-radius:8px;' +
    'font:14px/1.4 system-ui,sans-serif;color:#fff;background:#b91c1c;box-shadow:0 4px 16px rgba(0,0,0,.25)}' +
    '.none{background:#374151}.minor{background:#854d0e}.major{background:#c2410c}.m{background:#1d4ed8}' +
    'a,button{color:inherit;font:inherit}a{font-weight:600}p{margin:0}' +
    'button{flex:none;border:0;background:none;cursor:pointer;padding:0 4px;font-size:18px;line-height:1}' +
    'a:focus-visible,button:focus-visible{outline:2px solid #fff;outline-offset:2px}';
  fetch(`${base}/api/v2/summary.json`, { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null))
    .then((s) => {
      const incidents = (s?.incidents ?? []).filter((i) => i.status !== 'resolved' && i.status !== 'postmortem');
      const works = (s?.scheduled_maintenances ?? []).filter(
        (m) => m.status === 'in_progress' || m.status === 'verifying',
      );
      const first = incidents[0] ?? works[0];
      if (!first) return;
      const isIncident = first === incidents[0];
      const seen = `upstate-embed:${base}`;
      const stamp = first.id + first.updated_at;
      try {
        if (sessionStorage.getItem(seen) === stamp) return;
      } catch {}
      const el = (tag, text) => {
        const node = document.createElement(tag);
        if (text) node.textContent = text;
        return node;
      };
      const host = el('div');
      const root = host.attachShadow({ mode: 'open' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      const box = el('div');
      box.className = `n ${isIncident ? first.impact : 'm'}`;
      box.setAttribute('role', 'status');
      const text = el('p', isIncident ? 'Active incident: ' : 'Maintenance in progress: ');
      const link = el('a', first.name);
      link.href = `${base}/${isIncident ? 'incidents' : 'maintenance'}/${encodeURIComponent(first.id)}/`;
      link.target = '_blank';
      link.rel = 'noopener';
      text.append(link);
      const more = incidents.length + works.length - 1;
      if (more > 0) text.append(` and ${more} more`);
      const close = el('button', '×');
      close.setAttribute('type', 'button');
      close.setAttribute('aria-label', 'Dismiss status notice');
      close.addEventListener('click', () => {
        host.remove();
        try {
          sessionStorage.setItem(seen, stamp);
        } catch {}
      });
      box.append(text, close);
      root.append(box);
      document.body.append(host);
    })
    .catch(() => {});
}
