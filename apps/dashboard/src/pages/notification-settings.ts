import type { NotificationSettings } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import { csrfField, errorSummary, type FormState, formState, input, withApiError } from '../ui.ts';

const fields = ['senderName', 'replyTo', 'reminderMinutes'] as const;

/** The form's text as the API's settings: an empty box is "not set"; a number box the API checks by name. */
function settingsOf(f: Record<string, string>): Record<string, unknown> {
  const minutes = (f.reminderMinutes ?? '').trim();
  return {
    senderName: f.senderName?.trim() ? f.senderName.trim() : null,
    replyTo: f.replyTo?.trim() ? f.replyTo.trim() : null,
    reminderMinutes: /^\d{1,6}$/.test(minutes) ? Number(minutes) : minutes,
  };
}

/** Sender name, reply-to and the maintenance reminder lead time: what `PUT /v1/notification-settings` sets. */
export function notificationSettingsRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function settingsPage(c: Context, shell: Shell, state?: FormState, status = 200) {
    const r = await kit.call<NotificationSettings>(c, 'GET', '/v1/notification-settings');
    const saved = r.ok ? r.data : null;
    const form =
      state ??
      formState({
        senderName: saved?.senderName ?? '',
        replyTo: saved?.replyTo ?? '',
        reminderMinutes: String(saved?.reminderMinutes ?? 60),
      });
    const body = html`<div class="page-head"><div><h1>Notification settings</h1>
        <p>How the emails to your subscribers look and when maintenance reminders go out. <a href="${base}/subscribers">← Subscribers</a></p></div></div>
      <section class="card" aria-labelledby="h-settings"><h2 id="h-settings">Sender and reminders</h2>
        ${errorSummary(form)}
        <form method="post" action="${base}/notification-settings" novalidate>
          ${csrfField(shell.csrf)}
          ${input(form, { name: 'senderName', label: 'Sender name', hint: `Shown as the sender of every notification email; empty uses your page’s name (${shell.tenantName}).`, attrs: { maxlength: 80 } })}
          ${input(form, { name: 'replyTo', label: 'Reply-to address', type: 'email', hint: 'Where replies to notification emails go; empty means replies go nowhere.', attrs: { autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false' } })}
          ${input(form, { name: 'reminderMinutes', label: 'Maintenance reminder (minutes before the start)', required: true, hint: '0 sends no reminder. At most 10080 (a week).', attrs: { inputmode: 'numeric', pattern: '[0-9]*' } })}
          <div class="actions"><button class="btn primary" type="submit">Save settings</button></div>
        </form>
      </section>`;
    return kit.render(
      c,
      page(shell, { title: 'Notification settings', section: 'subscribers', body, notice: c.req.query('notice') }),
      status,
    );
  }

  app.get('/notification-settings', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return settingsPage(c, shell);
  });

  app.post('/notification-settings', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'PUT', '/v1/notification-settings', { body: settingsOf(f), form: f });
    if (r.ok) return kit.redirect(c, '/notification-settings', 'notification-settings-saved');
    return settingsPage(c, shell, withApiError(formState(f), r.error, fields), r.status);
  });
}
