import {
  Branding,
  type Component,
  type ComponentGroup,
  checkBrandColor,
  type Incident,
  type Maintenance,
  type TenantSnapshot,
  ThemeName,
} from '@upstate/core';
import { brandCss, loadTheme, renderPage } from '@upstate/render';
import { loadSnapshot } from '@upstate/store';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit, TenantView } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  checkbox,
  csrfField,
  errorSummary,
  type FormState,
  fieldId,
  formState,
  input,
  radios,
  withApiError,
} from '../ui.ts';

const footerRows = 5;
const urlFields = ['logoUrl', 'faviconUrl', 'homepageUrl'] as const;

function brandingValues(t: TenantView): Record<string, string> {
  const b = t.branding;
  const values: Record<string, string> = {
    name: t.name,
    version: String(t.version),
    'branding.logoUrl': b.logoUrl ?? '',
    'branding.faviconUrl': b.faviconUrl ?? '',
    'branding.homepageUrl': b.homepageUrl ?? '',
    'branding.brandColor': b.brandColor,
    'branding.theme': b.theme,
    'branding.colorScheme': b.colorScheme,
  };
  b.footerLinks.forEach((l, i) => {
    values[`branding.footerLinks.${i}.label`] = l.label;
    values[`branding.footerLinks.${i}.url`] = l.url;
  });
  return values;
}

/** Rows in use plus one empty row to add a link (a saved form shows the next one). */
function visibleFooterRows(form: FormState): number {
  let used = 0;
  for (let row = 0; row < footerRows; row++) {
    if (form.values[`branding.footerLinks.${row}.label`] || form.values[`branding.footerLinks.${row}.url`])
      used = row + 1;
  }
  return Math.min(footerRows, used + 1);
}

/** The form as the API's branding patch; blank footer rows are dropped and `aliases` maps indexes back to rows. */
function brandingPatch(f: Record<string, string>) {
  const footerLinks: { label: string; url: string }[] = [];
  const aliases: Record<string, string> = {};
  for (let row = 0; row < footerRows; row++) {
    const label = (f[`branding.footerLinks.${row}.label`] ?? '').trim();
    const url = (f[`branding.footerLinks.${row}.url`] ?? '').trim();
    if (!label && !url) continue;
    const i = footerLinks.length;
    footerLinks.push({ label, url });
    aliases[`branding.footerLinks.${i}.label`] = `branding.footerLinks.${row}.label`;
    aliases[`branding.footerLinks.${i}.url`] = `branding.footerLinks.${row}.url`;
    aliases[`branding.footerLinks.${i}`] = `branding.footerLinks.${row}.url`;
  }
  const branding: Record<string, unknown> = {
    brandColor: (f['branding.brandColor'] ?? '').trim(),
    theme: f['branding.theme'] ?? '',
    colorScheme: f['branding.colorScheme'] ?? '',
    footerLinks,
  };
  for (const k of urlFields) {
    const v = (f[`branding.${k}`] ?? '').trim();
    branding[k] = v === '' ? null : v;
  }
  return { branding, aliases };
}

/** For the preview only: each proposed field that is valid replaces the saved one; invalid ones are ignored. */
function proposedBranding(saved: Branding, f: Record<string, string>): Branding {
  const { branding } = brandingPatch(f);
  const next: Record<string, unknown> = { ...saved };
  const shape = Branding.shape;
  for (const [k, v] of Object.entries(branding)) {
    const schema = shape[k as keyof typeof shape];
    if (schema?.safeParse(v).success) next[k] = v;
  }
  return next as Branding;
}

/** The tenant's snapshot as a publish would see it (also the embeds page's live preview). */
export async function snapshotFor(kit: Kit, c: Context, shell: Shell, tenant: TenantView): Promise<TenantSnapshot> {
  const now = kit.now();
  if (kit.store) return loadSnapshot(kit.store, tenant.id, { now, baseUrl: shell.pageUrl });
  const [groups, components, incidents, maintenances] = await Promise.all([
    kit.call<{ data: ComponentGroup[] }>(c, 'GET', '/v1/component-groups'),
    kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
    kit.call<{ data: Incident[] }>(c, 'GET', '/v1/incidents?limit=100'),
    kit.call<{ data: Maintenance[] }>(c, 'GET', '/v1/maintenances?limit=100'),
  ]);
  const data = <T>(r: { ok: boolean; data?: { data: T[] } }) => (r.ok && r.data ? r.data.data : []);
  return {
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      timezone: tenant.timezone,
      createdAt: now.toISOString(),
    },
    branding: tenant.branding,
    baseUrl: shell.pageUrl,
    groups: data(groups),
    components: data(components),
    incidents: data(incidents),
    maintenances: data(maintenances),
    rollups: [],
    contentVersion: shell.publish?.contentVersion ?? 0,
    generatedAt: now.toISOString(),
  };
}

/**
 * A rendered public page made safe to frame in the dashboard: its CSS links point at the
 * dashboard's copies and a sandboxing CSP forbids scripts, forms and navigation.
 */
export function previewDocument(c: Context, base: string, rendered: string, brandColor: string): Response {
  const color = brandColor.slice(1).toLowerCase();
  // The theme links its CSS from the site root; in the preview those files come from here.
  const out = rendered
    .replace(/<link rel="icon"[^>]*>/g, '')
    .replace(/href="\/brand\.css(\?[^"]*)?"/g, `href="${base}/branding/preview/brand.css?color=${color}"`)
    .replace(/href="\/assets\/([a-z]+)\/([A-Za-z0-9_.-]+\.css)"/g, `href="${base}/branding/preview/assets/$1/$2"`);
  const origin = new URL(c.req.url).origin;
  c.header(
    'Content-Security-Policy',
    `sandbox; default-src 'none'; style-src 'self' ${origin}; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
  );
  c.header('X-Frame-Options', 'SAMEORIGIN');
  return c.html(out);
}

export function brandingRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function preview(c: Context, f: Record<string, string> | null) {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const t = await kit.call<TenantView>(c, 'GET', '/v1/tenant');
    if (!t.ok) return kit.notFound(c, shell);
    const snapshot = await snapshotFor(kit, c, shell, t.data);
    const branding = f ? proposedBranding(snapshot.branding, f) : snapshot.branding;
    const name = f?.name?.trim() ? f.name.trim().slice(0, 120) : snapshot.tenant.name;
    const proposed = { ...snapshot, tenant: { ...snapshot.tenant, name }, branding };
    let rendered: string;
    try {
      rendered = (await renderPage(proposed, '/')).html;
    } catch (error) {
      // A theme being rebuilt (or not built yet) must not break the branding page around the frame.
      console.error(JSON.stringify({ level: 'error', message: 'preview render failed', error: String(error) }));
      c.header('Retry-After', '5');
      return c.html(
        '<!doctype html><html lang="en"><title>Preview unavailable</title><p>The preview is unavailable right now; try again in a moment.</p></html>',
        503,
      );
    }
    return previewDocument(c, base, rendered, branding.brandColor);
  }

  app.get('/branding/preview', (c) => preview(c, null));
  app.post('/branding/preview', async (c) => preview(c, await kit.form(c)));

  // Public, tenant-free files the preview links: the theme's hashed CSS and brand CSS for a colour.
  app.get('/branding/preview/brand.css', (c) => {
    const color = c.req.query('color') ?? '';
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(brandCss(/^[0-9a-f]{6}$/i.test(color) ? `#${color}` : ''));
  });
  app.get('/branding/preview/assets/:theme/:file', async (c) => {
    const theme = ThemeName.safeParse(c.req.param('theme'));
    if (!theme.success) return c.text('Not found', 404);
    const compiled = await loadTheme(theme.data);
    const file = compiled.assets.find((a) => a.path === `assets/${theme.data}/${c.req.param('file')}`);
    if (!file) return c.text('Not found', 404);
    c.header('Content-Type', file.contentType);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(file.body as Uint8Array<ArrayBuffer>);
  });

  async function brandingPage(c: Context, shell: Shell, state?: FormState, status = 200) {
    const t = await kit.call<TenantView>(c, 'GET', '/v1/tenant');
    if (!t.ok) return kit.notFound(c, shell);
    const form = state ?? formState(brandingValues(t.data));
    const color = form.values['branding.brandColor'] ?? t.data.branding.brandColor;
    const validColor = /^#[0-9a-f]{6}$/i.test(color);
    const check = validColor ? checkBrandColor(color) : null;
    const body = html`<div class="page-head"><div><h1>Branding</h1><p>How your public page looks. The preview is your real page, rendered by the real theme.</p></div></div>
      <div class="branding">
        <section class="card" aria-label="Branding settings">
          ${errorSummary(form)}
          <form method="post" action="${base}/branding" novalidate data-preview-form>
            ${csrfField(shell.csrf)}
            <input type="hidden" name="version" value="${form.values.version ?? String(t.data.version)}">
            ${input(form, { name: 'name', label: 'Page title (company name)', required: true, attrs: { maxlength: 120 } })}
            ${input(form, { name: 'branding.logoUrl', label: 'Logo URL', type: 'url', hint: 'An https:// image, shown in the header.', attrs: { inputmode: 'url' } })}
            <div class="field">
              <label for="${fieldId('branding.brandColor')}">Brand colour</label>
              <p class="hint" id="${fieldId('branding.brandColor')}-hint">A #rrggbb colour for buttons, links and bars.</p>
              <div class="inline">
                <input type="color" value="${validColor ? color.toLowerCase() : '#2563eb'}" data-color-picker aria-label="Pick the brand colour" tabindex="-1">
                <input id="${fieldId('branding.brandColor')}" name="branding.brandColor" type="text" value="${color}" maxlength="7" spellcheck="false" autocomplete="off"
                  aria-describedby="${fieldId('branding.brandColor')}-hint contrast-warning${form.errors['branding.brandColor'] ? ` ${fieldId('branding.brandColor')}-error` : ''}"${form.errors['branding.brandColor'] ? html` aria-invalid="true"` : ''}>
              </div>
              ${form.errors['branding.brandColor'] ? html`<p class="error" id="${fieldId('branding.brandColor')}-error">${form.errors['branding.brandColor']}</p>` : ''}
              <div class="notice warn" id="contrast-warning" data-contrast${check && !check.ok ? '' : html` hidden`}>
                <p><strong>Low contrast:</strong> <span data-ratio>${check?.ratioOnWhite ?? ''}</span>:1 against white; WCAG AA needs 4.5:1, so white text on this colour is hard to read.
                ${check?.suggestion ? html`The nearest darker shade that passes is <code>${check.suggestion}</code>.` : ''}</p>
                ${checkbox(form, { name: 'acceptAdjustedColor', label: 'Use the nearest shade that passes instead' })}
              </div>
            </div>
            ${radios(form, {
              name: 'branding.theme',
              legend: 'Theme',
              options: [
                ['default', 'Default (cards)'],
                ['compact', 'Compact (dense table)'],
              ],
            })}
            ${radios(form, {
              name: 'branding.colorScheme',
              legend: 'Dark mode',
              options: [
                ['system', 'Follow the reader’s device'],
                ['light', 'Always light'],
                ['dark', 'Always dark'],
              ],
            })}
            ${input(form, { name: 'branding.homepageUrl', label: 'Your website', type: 'url', hint: 'Linked from the page header.', attrs: { inputmode: 'url' } })}
            ${input(form, { name: 'branding.faviconUrl', label: 'Favicon URL', type: 'url', attrs: { inputmode: 'url' } })}
            <fieldset><legend>Footer links</legend>
              <p class="hint">Up to ${footerRows}; https:// or mailto: addresses. Empty a row to remove it; save to get another row.</p>
              ${Array.from(
                { length: visibleFooterRows(form) },
                (_, i) => html`<div class="form-grid">
                  ${input(form, { name: `branding.footerLinks.${i}.label`, label: `Link ${i + 1} text`, attrs: { maxlength: 60 } })}
                  ${input(form, { name: `branding.footerLinks.${i}.url`, label: `Link ${i + 1} address`, type: 'url', attrs: { inputmode: 'url' } })}
                </div>`,
              )}
            </fieldset>
            <div class="actions">
              <button class="btn primary" type="submit">Save branding</button>
              <button class="btn" type="submit" formaction="${base}/branding/preview" formtarget="preview" data-preview-button>Update preview</button>
            </div>
          </form>
        </section>
        <section aria-labelledby="h-preview">
          <h2 id="h-preview">Live preview</h2>
          <p class="hint">Unsaved changes show here; your public page changes when you save.</p>
          <iframe class="preview-frame" name="preview" title="Preview of your public status page" src="${base}/branding/preview" sandbox></iframe>
        </section>
      </div>`;
    return kit.render(
      c,
      page(shell, { title: 'Branding', section: 'branding', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/branding', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return brandingPage(c, shell);
  });

  app.post('/branding', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const { branding, aliases } = brandingPatch(f);
    const version = Number(f.version);
    const r = await kit.call(c, 'PATCH', '/v1/tenant', {
      body: {
        name: f.name ?? '',
        branding,
        acceptAdjustedColor: f.acceptAdjustedColor === 'on',
        ...(Number.isInteger(version) && version > 0 ? { version } : {}),
      },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/branding', 'branding-saved');
    const fields = [
      'name',
      'branding.brandColor',
      'branding.theme',
      'branding.colorScheme',
      ...urlFields.map((k) => `branding.${k}`),
      ...Array.from({ length: footerRows }, (_, i) => [
        `branding.footerLinks.${i}.label`,
        `branding.footerLinks.${i}.url`,
      ]).flat(),
    ];
    const state = withApiError(formState(f), r.error, fields, aliases);
    if (r.error.code === 'conflict' && !r.error.field) {
      state.formError = 'Someone else changed the branding meanwhile. Reload to see their changes, then apply yours.';
    }
    return brandingPage(c, shell, state, r.status);
  });
}
