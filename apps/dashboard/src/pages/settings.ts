import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import { csrfField, errorSummary, type FormState, formatTime, formState, input, withApiError } from '../ui.ts';

interface SessionItem {
  id: string;
  createdAt: string;
  userAgent: string | null;
  current: boolean;
}

/** The signed-in person's own settings: password, two-factor, sessions; and the tenant switcher. */
export function settingsRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function settingsPage(
    c: Context,
    shell: Shell,
    o: {
      password?: FormState;
      twoFactor?: FormState;
      setup?: { secret: string; otpauthUri: string };
      recovery?: string[];
      deletion?: FormState;
    } = {},
    status = 200,
  ) {
    const [me, sessions] = await Promise.all([
      kit.call<{ email: string; twoFactor: boolean }>(c, 'GET', '/v1/account'),
      kit.call<{ data: SessionItem[] }>(c, 'GET', '/v1/account/sessions'),
    ]);
    const twoFactorOn = me.ok && me.data.twoFactor;
    const pw = o.password ?? formState();
    const tf = o.twoFactor ?? formState();
    const body = html`<div class="page-head"><div><h1>Account settings</h1><p>${shell.email}</p></div></div>
      <section class="card" aria-labelledby="h-password"><h2 id="h-password">Password</h2>
        ${errorSummary(pw)}
        <form method="post" action="${base}/settings/password" novalidate>${csrfField(shell.csrf)}
          ${input(pw, { name: 'current', label: 'Current password', type: 'password', required: true, value: '', attrs: { autocomplete: 'current-password' } })}
          ${input(pw, { name: 'password', label: 'New password', type: 'password', hint: 'At least 10 characters. Your other sessions are signed out.', required: true, value: '', attrs: { autocomplete: 'new-password' } })}
          <div class="actions"><button class="btn primary" type="submit">Change password</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="h-2fa"><h2 id="h-2fa">Two-factor sign-in</h2>
        ${errorSummary(tf)}
        ${
          o.recovery
            ? html`<div class="notice warn" role="status"><p><strong>Two-factor is on. Save these recovery codes now: each works once, and they are not shown again.</strong></p>
              <ul class="mono" aria-label="Recovery codes">${o.recovery.map((code) => html`<li><code>${code}</code></li>`)}</ul></div>`
            : ''
        }
        ${
          o.setup
            ? html`<p>Add this key to your authenticator app (or open the link on your phone), then enter the 6-digit code it shows.</p>
              <p><code class="secret" aria-label="Two-factor secret">${o.setup.secret}</code></p>
              <p class="small"><a href="${o.setup.otpauthUri}">Open in an authenticator app</a></p>
              <form method="post" action="${base}/settings/two-factor/enable" novalidate>${csrfField(shell.csrf)}
                ${input(tf, { name: 'code', label: 'Code from the app', required: true, value: '', attrs: { autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6 } })}
                <div class="actions"><button class="btn primary" type="submit">Turn on two-factor</button></div>
              </form>`
            : twoFactorOn
              ? html`<p>On. Signing in asks for a code from your authenticator app.</p>
                <form method="post" action="${base}/settings/two-factor/disable" novalidate>${csrfField(shell.csrf)}
                  ${input(tf, { name: 'password', label: 'Password', type: 'password', hint: 'Needed to turn two-factor off.', required: true, value: '', attrs: { autocomplete: 'current-password' } })}
                  <div class="actions"><button class="btn danger" type="submit">Turn off two-factor</button></div>
                </form>`
              : html`<p>Off. Add a code from an authenticator app to every sign-in.</p>
                <form method="post" action="${base}/settings/two-factor/setup">${csrfField(shell.csrf)}
                  <div class="actions"><button class="btn primary" type="submit">Set up two-factor</button></div>
                </form>`
        }
      </section>
      <section class="card" aria-labelledby="h-sessions"><h2 id="h-sessions">Where you are signed in</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Signed in</th><th scope="col">Browser</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${(sessions.ok ? sessions.data.data : []).map(
          (
            s,
          ) => html`<tr><td>${formatTime(s.createdAt, shell.timezone)}</td><td class="small">${s.userAgent ?? 'Unknown'}${s.current ? html` <span class="badge ok">This session</span>` : ''}</td>
            <td>${
              s.current
                ? ''
                : html`<form method="post" action="${base}/settings/sessions/${encodeURIComponent(s.id)}/revoke">${csrfField(shell.csrf)}<button class="btn small danger" type="submit">Sign out<span class="visually-hidden"> the session from ${formatTime(s.createdAt, shell.timezone)}</span></button></form>`
            }</td></tr>`,
        )}</tbody></table></div>
      </section>
      ${shell.role === 'owner' ? dangerZone(shell, o.deletion ?? formState()) : ''}`;
    return kit.render(
      c,
      page(shell, { title: 'Account settings', section: 'settings', body, notice: c.req.query('notice') }),
      status,
    );
  }

  const signedIn = async (c: Context) => kit.shell(c, { allowTwoFactorMissing: true });

  // Owners only (the API decides; the section is shown to owners). Typing the page address is the
  // confirmation, so a stray click or a replayed form cannot delete a page.
  const dangerZone = (shell: Shell, state: FormState) =>
    html`<section class="card danger-zone" aria-labelledby="h-delete"><h2 id="h-delete">Delete this status page</h2>
      <p>Deleting <strong>${shell.tenantName}</strong> takes its public page offline, releases its custom domains and erases its components, incidents, maintenance, monitors, subscribers (their addresses too), API keys, team and audit log. It cannot be undone. Members keep their logins; the page address becomes free.</p>
      ${errorSummary(state)}
      <form method="post" action="${base}/settings/delete-page" novalidate>${csrfField(shell.csrf)}
        ${input(state, { name: 'confirm', label: `Type the page address “${shell.slug}” to confirm`, required: true, value: '', attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' } })}
        <div class="actions"><button class="btn danger" type="submit">Delete this page for good</button></div>
      </form>
    </section>`;

  app.get('/settings', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    return settingsPage(c, shell);
  });

  app.post('/settings/password', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', '/v1/account/password', {
      body: { current: f.current ?? '', password: f.password ?? '' },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/settings', 'password-changed');
    return settingsPage(c, shell, { password: withApiError(formState(), r.error, ['current', 'password']) }, r.status);
  });

  app.post('/settings/two-factor/setup', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call<{ secret: string; otpauthUri: string }>(c, 'POST', '/v1/account/two-factor/setup', {
      form: f,
      idempotent: false,
    });
    if (!r.ok) return settingsPage(c, shell, { twoFactor: withApiError(formState(), r.error, []) }, r.status);
    c.header('Cache-Control', 'no-store');
    return settingsPage(c, shell, { setup: r.data });
  });

  app.post('/settings/two-factor/enable', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call<{ recoveryCodes: string[] }>(c, 'POST', '/v1/account/two-factor/enable', {
      body: { code: (f.code ?? '').trim() },
      form: f,
      idempotent: false,
    });
    if (!r.ok) {
      // The pending secret stays; show it again so the person can retry with a fresh code.
      const again = await kit.call<{ secret: string; otpauthUri: string }>(c, 'POST', '/v1/account/two-factor/setup', {
        form: f,
        idempotent: false,
      });
      return settingsPage(
        c,
        shell,
        { twoFactor: withApiError(formState(), r.error, ['code']), ...(again.ok ? { setup: again.data } : {}) },
        r.status,
      );
    }
    c.header('Cache-Control', 'no-store');
    return settingsPage(c, shell, { recovery: r.data.recoveryCodes });
  });

  app.post('/settings/two-factor/disable', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', '/v1/account/two-factor/disable', {
      body: { password: f.password ?? '' },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/settings', 'two-factor-off');
    return settingsPage(c, shell, { twoFactor: withApiError(formState(), r.error, ['password']) }, r.status);
  });

  app.post('/settings/sessions/:id/revoke', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/account/sessions/${encodeURIComponent(c.req.param('id'))}`, { form: f });
    if (r.ok) return kit.redirect(c, '/settings', 'session-ended');
    return kit.notFound(c, shell);
  });

  app.post('/settings/delete-page', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/tenant?confirm=${encodeURIComponent((f.confirm ?? '').slice(0, 64))}`, {
      form: f,
    });
    if (r.ok) {
      for (const cookie of r.setCookies) c.header('Set-Cookie', cookie, { append: true });
      return c.redirect(`${base}/login?notice=page-deleted`, 303);
    }
    return settingsPage(c, shell, { deletion: withApiError(formState(), r.error, ['confirm']) }, r.status);
  });

  app.post('/switch-tenant', async (c) => {
    const shell = await signedIn(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'PUT', '/v1/sessions/current/tenant', {
      body: { tenantId: f.tenantId ?? '' },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '', 'switched');
    return kit.notFound(c, shell);
  });
}
