import { randomUUID } from 'node:crypto';
import { componentStatusLabels, impactLabels, timelineStatusLabels } from '@upstate/core';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ApiError } from './api-client.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => entities[ch] ?? ch);

/** Only http(s) and mailto links are ever put in an href; anything else becomes inert. */
export function safeHref(url: string | null | undefined): string {
  if (!url) return '#';
  return /^(https?:\/\/|mailto:|\/)/i.test(url) ? url : '#';
}

/** What a form shows: the submitted values, errors by field, and an error with no field. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
}

export const formState = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

const prefixes = /^[A-Za-z0-9_.-]+: /;
/** Zod's messages are for developers; the common ones get plain words. */
export function humanize(message: string): string {
  const m = message.replace(prefixes, '');
  const rules: [RegExp, (x: RegExpExecArray) => string][] = [
    [/^Too small: expected string to have >=1 characters?$/, () => 'This field is required.'],
    [/^Too small: expected string to have >=(\d+) characters$/, (x) => `Use at least ${x[1]} characters.`],
    [/^Too big: expected string to have <=(\d+) characters$/, (x) => `Use at most ${x[1]} characters.`],
    [/^Too small: expected array to have >=1 items?$/, () => 'Choose at least one.'],
    [
      /^Too (small|big): expected number to be ([<>]=?)(\d+)$/,
      (x) => `Must be ${x[2]?.startsWith('>') ? 'at least' : 'at most'} ${x[3]}.`,
    ],
    [/^Invalid ISO datetime$/, () => 'Enter a date and time.'],
    [/^Invalid URL$/, () => 'Enter a full https:// address.'],
    [/^Invalid email address$/, () => 'Enter a valid email address.'],
    [/^Invalid input: expected number, received NaN$/, () => 'Enter a number.'],
    [/^Invalid option: expected one of .*$/, () => 'Choose one of the options.'],
  ];
  for (const [re, to] of rules) {
    const x = re.exec(m);
    if (x) return to(x);
  }
  const text = m || 'Invalid value.';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Puts an API error next to the form field it names. `aliases` maps API field paths to form field
 * names where they differ (array indexes → row names); an error naming no shown field goes on top.
 */
export function withApiError(
  state: FormState,
  error: ApiError,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): FormState {
  const apiField = error.field ?? '';
  let target = aliases[apiField] ?? apiField;
  if (!fields.includes(target)) {
    // `config.url` may be reported for a field shown as `config.url`, or `components.3` for `components.3.status`.
    const near = fields.find((f) => target && (f.startsWith(`${target}.`) || target.startsWith(`${f}.`)));
    if (near) target = near;
  }
  if (error.code === 'csrf_failed') {
    return { ...state, formError: 'This form expired. Reload the page and submit it again.' };
  }
  if (fields.includes(target)) return { ...state, errors: { ...state.errors, [target]: humanize(error.message) } };
  return { ...state, formError: humanize(error.message) };
}

interface FieldOptions {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  /** Hide the "(optional)" mark where the hint says when the field is needed. */
  noOptionalMark?: boolean;
  attrs?: Record<string, string | number | boolean | undefined>;
}

function attributes(attrs: Record<string, string | number | boolean | undefined> = {}): HtmlEscapedString {
  let out = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    out += v === true ? ` ${esc(k)}` : ` ${esc(k)}="${esc(String(v))}"`;
  }
  return raw(out);
}

function describe(state: FormState, name: string, hint?: string) {
  const id = fieldId(name);
  const error = state.errors[name];
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    error,
    aria: attributes({ 'aria-describedby': ids || undefined, 'aria-invalid': error ? 'true' : undefined }),
    hintHtml: hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : '',
    errorHtml: error ? html`<p class="error" id="${id}-error">${error}</p>` : '',
  };
}

export function input(state: FormState, o: FieldOptions & { type?: string; value?: string }): Html {
  const d = describe(state, o.name, o.hint);
  const value = state.values[o.name] ?? o.value ?? '';
  return html`<div class="field">
    <label for="${d.id}">${o.label}${o.required || o.noOptionalMark ? '' : html` <span class="muted small">(optional)</span>`}</label>
    ${d.hintHtml}
    <input id="${d.id}" name="${o.name}" type="${o.type ?? 'text'}" value="${value}"${d.aria}${attributes({ required: o.required, ...o.attrs })}>
    ${d.errorHtml}
  </div>`;
}

export function textarea(state: FormState, o: FieldOptions & { value?: string; rows?: number }): Html {
  const d = describe(state, o.name, o.hint);
  const value = state.values[o.name] ?? o.value ?? '';
  return html`<div class="field">
    <label for="${d.id}">${o.label}${o.required ? '' : html` <span class="muted small">(optional)</span>`}</label>
    ${d.hintHtml}
    <textarea id="${d.id}" name="${o.name}" rows="${o.rows ?? 6}"${d.aria}${attributes({ required: o.required, ...o.attrs })}>${value}</textarea>
    ${d.errorHtml}
  </div>`;
}

export function select(
  state: FormState,
  o: FieldOptions & { options: readonly (readonly [string, string])[]; value?: string },
): Html {
  const d = describe(state, o.name, o.hint);
  const value = state.values[o.name] ?? o.value ?? '';
  return html`<div class="field">
    <label for="${d.id}">${o.label}</label>
    ${d.hintHtml}
    <select id="${d.id}" name="${o.name}"${d.aria}${attributes(o.attrs)}>
      ${o.options.map(([v, l]) => html`<option value="${v}"${v === value ? raw(' selected') : ''}>${l}</option>`)}
    </select>
    ${d.errorHtml}
  </div>`;
}

export function checkbox(state: FormState, o: FieldOptions & { checked?: boolean }): Html {
  const d = describe(state, o.name, o.hint);
  const submitted = Object.keys(state.values).length > 0;
  const checked = submitted ? state.values[o.name] === 'on' : (o.checked ?? false);
  return html`<div class="field">
    <label class="choice" for="${d.id}"><input type="checkbox" id="${d.id}" name="${o.name}"${checked ? raw(' checked') : ''}${d.aria}> ${o.label}</label>
    ${d.hintHtml}${d.errorHtml}
  </div>`;
}

export function radios(
  state: FormState,
  o: { name: string; legend: string; hint?: string; options: readonly (readonly [string, string])[]; value?: string },
): Html {
  const d = describe(state, o.name, o.hint);
  const value = state.values[o.name] ?? o.value ?? '';
  return html`<fieldset id="${d.id}"${d.aria}>
    <legend>${o.legend}</legend>
    ${d.hintHtml}
    <div class="choices">
      ${o.options.map(
        ([v, l], i) =>
          html`<label class="choice"><input type="radio" name="${o.name}" value="${v}" id="${d.id}-${i}"${v === value ? raw(' checked') : ''}> ${l}</label>`,
      )}
    </div>
    ${d.errorHtml}
  </fieldset>`;
}

/** The error summary at the top of a form: focusable target for screen readers, links to each field. */
export function errorSummary(state: FormState): Html {
  const entries = Object.entries(state.errors);
  if (!state.formError && entries.length === 0) return html``;
  return html`<div class="notice bad" role="alert" tabindex="-1" data-error-summary>
    <strong>${state.formError ?? 'Please fix the following:'}</strong>
    ${entries.length ? html`<ul>${entries.map(([f, m]) => html`<li><a href="#${fieldId(f)}">${m}</a></li>`)}</ul>` : ''}
  </div>`;
}

/** The session's CSRF token, and a fresh idempotency key per rendered form (a re-post replays, never writes twice). */
export const csrfField = (token: string) =>
  html`<input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="_idem" value="${randomUUID()}">`;

// Wording comes from packages/core (the page says the same); the dashboard adds only the tone of each badge.
const labels: Record<string, string> = {
  ...componentStatusLabels,
  ...timelineStatusLabels,
  ...impactLabels,
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  pending: 'Pending',
  verified: 'Verified',
  failed: 'Failed',
};
const tones: Record<string, string> = {
  operational: 'ok',
  degraded_performance: 'warn',
  partial_outage: 'warn',
  major_outage: 'bad',
  under_maintenance: 'info',
  investigating: 'bad',
  identified: 'warn',
  monitoring: 'info',
  resolved: 'ok',
  postmortem: 'ok',
  scheduled: 'info',
  in_progress: 'warn',
  verifying: 'info',
  completed: 'ok',
  minor: 'warn',
  major: 'bad',
  critical: 'bad',
  up: 'ok',
  degraded: 'warn',
  down: 'bad',
  pending: 'warn',
  verified: 'ok',
  failed: 'bad',
};

export const label = (value: string) => labels[value] ?? value;
export const badge = (value: string) => html`<span class="badge ${tones[value] ?? ''}">${label(value)}</span>`;

/** A new component's status is driven by its monitors unless someone picks one. */
export const automaticStatusOption = ['', 'Automatic (monitors)'] as const;

export const componentStatusOptions = Object.entries(componentStatusLabels);

export const impactOptions = Object.entries(impactLabels);

/** A timestamp in the tenant's time zone, with the zone named. */
export function formatTime(iso: string | null | undefined, timeZone = 'UTC'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

export function ago(iso: string | null, now: Date): string {
  if (!iso) return 'not published yet';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return `last published ${s} s ago`;
  if (s < 3600) return `last published ${Math.round(s / 60)} min ago`;
  return `last published ${Math.round(s / 3600)} h ago`;
}

function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - t;
}

/** A `datetime-local` value read in the tenant's time zone, as an ISO instant; null if it is not one. */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(wall)) return null;
  // Two passes settle the offset across a DST change.
  let t = wall - zoneOffsetMs(wall, timeZone);
  t = wall - zoneOffsetMs(t, timeZone);
  return new Date(t).toISOString();
}

/** An ISO instant as a `datetime-local` value in the tenant's time zone. */
export function isoToZoned(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return new Date(t + zoneOffsetMs(t, timeZone)).toISOString().slice(0, 16);
}
