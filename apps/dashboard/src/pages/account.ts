import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { authPage } from '../layout.ts';
import { errorSummary, type FormState, formState, input, withApiError } from '../ui.ts';

const signupFields = ['name', 'slug', 'email', 'password'] as const;
const loginFields = ['email', 'password', 'code'] as const;

/** Only local dashboard paths are followed after login, never another site. */
function safeNext(base: string, next: string | undefined): string {
  if (next?.startsWith(`${base}/`) && !next.startsWith('//') && !next.includes('\\')) return next;
  return base;
}

function withCookies(c: Context, cookies: string[]) {
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
}

export function accountRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  const signupPage = (state: FormState) =>
    authPage(base, {
      title: 'Create your status page',
      body: html`<h1>Create your status page</h1>
        <p class="muted">Free to start. Your page goes live as soon as you sign up.</p>
        ${errorSummary(state)}
        <form method="post" action="${base}/signup" novalidate>
          ${input(state, { name: 'name', label: 'Company name', required: true, attrs: { autocomplete: 'organization', maxlength: 120 } })}
          ${input(state, {
            name: 'slug',
            label: 'Page address',
            hint: 'Lowercase letters, digits and hyphens; your page is served at this subdomain.',
            required: true,
            attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: 63 },
          })}
          ${input(state, { name: 'email', label: 'Work email', type: 'email', required: true, attrs: { autocomplete: 'email' } })}
          ${input(state, {
            name: 'password',
            label: 'Password',
            type: 'password',
            hint: 'At least 10 characters.',
            required: true,
            value: '',
            attrs: { autocomplete: 'new-password' },
          })}
          <div class="actions"><button class="btn primary" type="submit">Create account</button></div>
        </form>
        <p class="small muted">Already have an account? <a href="${base}/login">Log in</a></p>`,
    });

  const loginPage = (state: FormState, next: string | undefined, notice?: string) =>
    authPage(base, {
      title: 'Log in',
      notice,
      body: html`<h1>Log in</h1>
        ${errorSummary(state)}
        <form method="post" action="${base}/login" novalidate>
          <input type="hidden" name="next" value="${next ?? ''}">
          ${input(state, { name: 'email', label: 'Email', type: 'email', required: true, attrs: { autocomplete: 'email' } })}
          ${input(state, { name: 'password', label: 'Password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } })}
          ${input(state, {
            name: 'code',
            label: 'Two-factor code',
            hint: 'Only if you turned on two-factor sign-in: the 6-digit code from your app, or a recovery code.',
            noOptionalMark: true,
            value: '',
            attrs: { autocomplete: 'one-time-code', inputmode: 'text', maxlength: 20 },
          })}
          <div class="actions"><button class="btn primary" type="submit">Log in</button></div>
        </form>
        <p class="small muted"><a href="${base}/reset">Forgot your password?</a></p>
        <p class="small muted">New to Upstate? <a href="${base}/signup">Create a status page</a></p>`,
    });

  app.get('/signup', (c) => kit.render(c, signupPage(formState())));

  app.post('/signup', async (c) => {
    const f = await kit.form(c);
    const values = { name: f.name ?? '', slug: (f.slug ?? '').trim(), email: (f.email ?? '').trim(), password: '' };
    const r = await kit.call(c, 'POST', '/v1/signup', {
      body: { name: f.name ?? '', slug: values.slug, email: values.email, password: f.password ?? '' },
    });
    if (!r.ok) return kit.render(c, signupPage(withApiError(formState(values), r.error, signupFields)), r.status);
    // The same page whether or not the address already has an account: the email says which.
    return kit.render(
      c,
      authPage(base, {
        title: 'Check your email',
        body: html`<h1>Check your email</h1>
          <p>We sent a link to <strong>${values.email}</strong>. Open it to confirm the address and create your status page.</p>
          <p class="small muted">The link works once and expires in 24 hours. Nothing is published until you confirm.</p>`,
      }),
      202,
    );
  });

  // Mail scanners fetch links: opening the link shows a button, and only the button's POST spends the token.
  app.get('/verify', (c) =>
    kit.render(
      c,
      authPage(base, {
        title: 'Confirm your email',
        body: html`<h1>Confirm your email</h1>
          <form method="post" action="${base}/verify">
            <input type="hidden" name="token" value="${c.req.query('token') ?? ''}">
            <div class="actions"><button class="btn primary" type="submit">Confirm and create my page</button></div>
          </form>`,
      }),
    ),
  );

  app.post('/verify', async (c) => {
    const f = await kit.form(c);
    const r = await kit.call<{ apiKey: { key: string }; tenant: { slug: string; pageUrl: string } }>(
      c,
      'POST',
      '/v1/signup/verify',
      { body: { token: f.token ?? '' } },
    );
    if (!r.ok)
      return kit.render(
        c,
        authPage(base, {
          title: 'Link expired',
          body: html`<h1>This link has expired or was already used</h1>
            <p>If you already confirmed, <a href="${base}/login">log in</a>. Otherwise log in with the password you chose and we will send a new link.</p>`,
        }),
        r.status,
      );
    withCookies(c, r.setCookies);
    c.header('Cache-Control', 'no-store');
    // The first API key exists only in this response: show it once, here, rather than redirecting.
    return kit.render(
      c,
      authPage(base, {
        title: 'Your page is live',
        body: html`<h1>Your page is live</h1>
          <p>Your status page is being published at <strong>${kit.pageUrl(r.data.tenant.slug, r.data.tenant.pageUrl)}</strong>.</p>
          <h2>Your first API key</h2>
          <p>Copy it now: it is shown only once and stored only as a hash. You can create and revoke keys later.</p>
          <code class="secret" aria-label="API key">${r.data.apiKey.key}</code>
          <div class="actions"><a class="btn primary" href="${base}/branding">Continue: brand your page</a><a class="btn" href="${base}">Go to the overview</a></div>`,
      }),
      201,
    );
  });

  app.get('/login', async (c) => {
    // Already signed in: straight to the dashboard.
    if ((await kit.call(c, 'GET', '/v1/sessions/current')).ok)
      return c.redirect(safeNext(base, c.req.query('next')), 303);
    return kit.render(c, loginPage(formState(), c.req.query('next'), c.req.query('notice')));
  });

  app.post('/login', async (c) => {
    const f = await kit.form(c);
    const code = (f.code ?? '').trim();
    const r = await kit.call(c, 'POST', '/v1/sessions', {
      body: { email: (f.email ?? '').trim(), password: f.password ?? '', ...(code ? { code } : {}) },
    });
    if (!r.ok) {
      const state = withApiError(formState({ email: f.email ?? '' }), r.error, loginFields);
      return kit.render(c, loginPage(state, f.next), r.status);
    }
    withCookies(c, r.setCookies);
    return c.redirect(safeNext(base, f.next), 303);
  });

  app.post('/logout', async (c) => {
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', '/v1/sessions/current', { form: f });
    if (!r.ok && r.error.code === 'csrf_failed')
      return c.text('This form expired. Go back, reload and try again.', 403);
    withCookies(c, r.setCookies);
    return c.redirect(`${base}/login?notice=signed-out`, 303);
  });
}
