import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { authPage } from '../layout.ts';
import { errorSummary, type FormState, formState, input, withApiError } from '../ui.ts';

const roleWords: Record<string, string> = {
  owner: 'owner',
  admin: 'admin',
  editor: 'editor (incidents, maintenance, components and monitors)',
  viewer: 'viewer (read only)',
};

/** Signed-out flows reached from email links: password reset and invite acceptance. */
export function accessRoutes(app: Hono, kit: Kit) {
  const { base } = kit;
  const expired = (what: string) =>
    authPage(base, {
      title: 'Link expired',
      body: html`<h1>This ${what} link has expired or was already used</h1>
        <p>Ask for a new one: <a href="${base}/reset">reset your password</a>, or ask the team’s admin to re-send the invite.</p>`,
    });

  const requestPage = (state: FormState) =>
    authPage(base, {
      title: 'Reset your password',
      body: html`<h1>Reset your password</h1>
        ${errorSummary(state)}
        <form method="post" action="${base}/reset" novalidate>
          ${input(state, { name: 'email', label: 'Email', type: 'email', required: true, attrs: { autocomplete: 'email' } })}
          <div class="actions"><button class="btn primary" type="submit">Email me a link</button></div>
        </form>
        <p class="small muted"><a href="${base}/login">Back to log in</a></p>`,
    });
  const choosePage = (state: FormState, token: string) =>
    authPage(base, {
      title: 'Choose a new password',
      body: html`<h1>Choose a new password</h1>
        <p class="muted">Saving it signs you out everywhere.</p>
        ${errorSummary(state)}
        <form method="post" action="${base}/reset/confirm" novalidate>
          <input type="hidden" name="token" value="${token}">
          ${input(state, { name: 'password', label: 'New password', type: 'password', hint: 'At least 10 characters.', required: true, value: '', attrs: { autocomplete: 'new-password' } })}
          <div class="actions"><button class="btn primary" type="submit">Save password</button></div>
        </form>`,
    });

  app.get('/reset', (c) => {
    const token = c.req.query('token');
    return kit.render(c, token ? choosePage(formState(), token) : requestPage(formState()));
  });

  app.post('/reset', async (c) => {
    const f = await kit.form(c);
    const email = (f.email ?? '').trim();
    const r = await kit.call(c, 'POST', '/v1/password-resets', { body: { email } });
    if (!r.ok) return kit.render(c, requestPage(withApiError(formState({ email }), r.error, ['email'])), r.status);
    return kit.render(
      c,
      authPage(base, {
        title: 'Check your email',
        body: html`<h1>Check your email</h1><p>If <strong>${email}</strong> has an account, a reset link is on its way. It works once, for an hour.</p>`,
      }),
      202,
    );
  });

  app.post('/reset/confirm', async (c) => {
    const f = await kit.form(c);
    const token = f.token ?? '';
    const r = await kit.call(c, 'POST', '/v1/password-resets/confirm', { body: { token, password: f.password ?? '' } });
    if (r.ok) return kit.redirect(c, '/login', 'password-reset');
    if (r.error.code === 'invalid_token') return kit.render(c, expired('reset'), r.status);
    return kit.render(c, choosePage(withApiError(formState(), r.error, ['password']), token), r.status);
  });

  interface Lookup {
    email: string;
    role: string;
    tenantName: string;
    hasAccount: boolean;
  }
  const invitePage = (state: FormState, token: string, invite: Lookup) =>
    authPage(base, {
      title: 'Join the team',
      body: html`<h1>Join ${invite.tenantName}</h1>
        <p>You are invited as ${roleWords[invite.role] ?? invite.role}, with the address <strong>${invite.email}</strong>.</p>
        ${errorSummary(state)}
        <form method="post" action="${base}/invite" novalidate>
          <input type="hidden" name="token" value="${token}">
          ${
            invite.hasAccount
              ? input(state, {
                  name: 'password',
                  label: 'Your Upstate password',
                  type: 'password',
                  hint: 'You already have an account: this team is added to it.',
                  required: true,
                  value: '',
                  attrs: { autocomplete: 'current-password' },
                })
              : input(state, {
                  name: 'password',
                  label: 'Choose a password',
                  type: 'password',
                  hint: 'At least 10 characters.',
                  required: true,
                  value: '',
                  attrs: { autocomplete: 'new-password' },
                })
          }
          ${
            invite.hasAccount
              ? input(state, {
                  name: 'code',
                  label: 'Two-factor code',
                  hint: 'Only if your account has two-factor sign-in on.',
                  noOptionalMark: true,
                  value: '',
                  attrs: { autocomplete: 'one-time-code', maxlength: 20 },
                })
              : ''
          }
          <div class="actions"><button class="btn primary" type="submit">Join the team</button></div>
        </form>`,
    });

  app.get('/invite', async (c) => {
    const token = c.req.query('token') ?? '';
    const r = await kit.call<Lookup>(c, 'POST', '/v1/invites/lookup', { body: { token } });
    if (!r.ok) return kit.render(c, expired('invite'), r.status === 400 ? 410 : r.status);
    return kit.render(c, invitePage(formState(), token, r.data));
  });

  app.post('/invite', async (c) => {
    const f = await kit.form(c);
    const token = f.token ?? '';
    const lookup = await kit.call<Lookup>(c, 'POST', '/v1/invites/lookup', { body: { token } });
    if (!lookup.ok) return kit.render(c, expired('invite'), 410);
    const code = (f.code ?? '').trim();
    const r = await kit.call(c, 'POST', '/v1/invites/accept', {
      body: { token, password: f.password ?? '', ...(code ? { code } : {}) },
    });
    if (!r.ok)
      return kit.render(
        c,
        invitePage(withApiError(formState(), r.error, ['password', 'code']), token, lookup.data),
        r.status,
      );
    for (const cookie of r.setCookies) c.header('Set-Cookie', cookie, { append: true });
    return kit.redirect(c, '', 'joined');
  });
}
