// Progressive enhancement only: every form and link works without this file.
(() => {
  // Publish state: re-read every few seconds and keep "last published N s ago" current.
  const badge = document.querySelector('[data-publish-url]');
  const ago = (iso) => {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    return `${Math.round(s / 3600)} h ago`;
  };
  const paint = (state) => {
    if (!badge) return;
    const pill = badge.querySelector('.pill');
    const when = badge.querySelector('[data-when]');
    if (state) {
      badge.dataset.state = state.state;
      badge.dataset.at = state.lastPublishedAt || '';
      pill.textContent = state.state === 'live' ? 'Live' : 'Publishing…';
      pill.className = `pill badge ${state.state === 'live' ? 'ok' : 'info'}`;
    }
    const at = badge.dataset.at;
    when.textContent = at ? `last published ${ago(at)}` : 'not published yet';
  };
  if (badge) {
    const refresh = () =>
      fetch(badge.dataset.publishUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then((r) => (r.ok ? r.json() : null))
        .then((s) => s && paint(s))
        .catch(() => {});
    setInterval(() => paint(null), 1000);
    setInterval(refresh, 4000);
  }

  // Destructive buttons ask first.
  document.addEventListener('submit', (event) => {
    const submitter = event.submitter;
    const message = submitter?.dataset.confirm || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Markdown fields: the preview follows the text (server-rendered by the page's sanitiser).
  for (const area of document.querySelectorAll('textarea[data-markdown-url]')) {
    const box = document.getElementById(area.dataset.markdownTarget);
    const out = box?.querySelector('[data-markdown-output]');
    if (!box || !out) continue;
    let timer;
    area.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const body = new URLSearchParams({ source: area.value });
        fetch(area.dataset.markdownUrl, { method: 'POST', body, credentials: 'same-origin' })
          .then((r) => (r.ok ? r.text() : null))
          .then((fragment) => {
            if (fragment === null) return;
            out.innerHTML = fragment;
            box.hidden = false;
          })
          .catch(() => {});
      }, 300);
    });
  }

  // Monitor form: show only the settings of the chosen kind.
  const kinds = document.querySelectorAll('input[name="config.kind"]');
  const showKind = () => {
    const chosen = [...kinds].find((k) => k.checked)?.value;
    for (const set of document.querySelectorAll('[data-monitor-kind]')) set.hidden = set.dataset.monitorKind !== chosen;
  };
  for (const k of kinds) k.addEventListener('change', showKind);
  if (kinds.length) showKind();

  // Branding: refresh the live preview as the form changes, and the contrast warning with it.
  const form = document.querySelector('form[data-preview-form]');
  if (form) {
    const button = form.querySelector('[data-preview-button]');
    const color = form.querySelector('[name="branding.brandColor"]');
    const picker = form.querySelector('[data-color-picker]');
    const warning = document.querySelector('[data-contrast]');
    const lum = (hex) => {
      const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
      const [r, g, b] = c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const checkContrast = () => {
      if (!warning || !/^#[0-9a-f]{6}$/i.test(color.value)) return;
      const ratio = Math.round((1.05 / (lum(color.value) + 0.05)) * 100) / 100;
      warning.hidden = ratio >= 4.5;
      const out = warning.querySelector('[data-ratio]');
      if (out) out.textContent = String(ratio);
    };
    let timer;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => form.requestSubmit(button), 400);
    };
    if (picker && color) {
      picker.addEventListener('input', () => {
        color.value = picker.value;
        checkContrast();
        schedule();
      });
      color.addEventListener('input', () => {
        if (/^#[0-9a-f]{6}$/i.test(color.value)) picker.value = color.value.toLowerCase();
        checkContrast();
      });
    }
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
  }
})();
