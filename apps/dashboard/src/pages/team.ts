import { type Role, rolePermissions } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import { csrfField, errorSummary, type FormState, formatTime, formState, input, select, withApiError } from '../ui.ts';

interface Member {
  userId: string;
  email: string;
  role: string;
  addedAt: string;
}
interface Invite {
  id: string;
  email: string;
  role: string;
  invitedBy: string;
  expiresAt: string;
  status: string;
}

const roles = [
  ['viewer', 'Viewer: read only'],
  ['editor', 'Editor: incidents, maintenance, components, monitors'],
  ['admin', 'Admin: everything but ownership'],
  ['owner', 'Owner: everything'],
] as const;

export function teamRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  // Owners only: the chosen member becomes owner and you become admin, in one step the API makes atomic.
  const ownership = (shell: Shell, state: FormState, members: Member[]) => {
    const candidates = members.filter((m) => m.role !== 'owner');
    return html`<section class="card" aria-labelledby="h-ownership"><h2 id="h-ownership">Hand over ownership</h2>
      ${
        candidates.length === 0
          ? html`<p class="empty">Invite someone first: ownership goes to a member who is not an owner yet.</p>`
          : html`<p>The member you choose becomes an owner; you stay on the team as an admin.</p>
        <form method="post" action="${base}/team/ownership" novalidate>${csrfField(shell.csrf)}
          ${select(state, { name: 'userId', label: 'New owner', options: candidates.map((m) => [m.userId, `${m.email} (${m.role})`] as const) })}
          <div class="actions"><button class="btn danger" type="submit">Make them owner</button></div>
        </form>`
      }</section>`;
  };

  async function teamPage(c: Context, shell: Shell, state: FormState = formState(), status = 200) {
    // Only roles that manage the team see (and load) invites and the controls.
    const manage = rolePermissions[shell.role as Role]?.includes('team') ?? false;
    const [team, invites] = await Promise.all([
      kit.call<{ members: Member[]; requireTwoFactor: boolean }>(c, 'GET', '/v1/team'),
      manage ? kit.call<{ data: Invite[] }>(c, 'GET', '/v1/team/invites') : Promise.resolve(undefined),
    ]);
    if (!team.ok) return kit.forbidden(c, shell, team.error.message, 'team');
    const tz = shell.timezone;
    const body = html`<div class="page-head"><div><h1>Team</h1><p>Everyone who can sign in to this page’s dashboard, and what they may do.</p></div></div>
      ${errorSummary(state)}
      <section class="card" aria-labelledby="h-members"><h2 id="h-members">Members</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col" class="hide-sm">Joined</th>${manage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
        <tbody>${team.data.members.map(
          (m) => html`<tr><td>${m.email}</td>
            <td>${
              manage
                ? html`<form method="post" action="${base}/team/members/${encodeURIComponent(m.userId)}/role" class="inline">${csrfField(shell.csrf)}
                  <label class="visually-hidden" for="role-${m.userId}">Role of ${m.email}</label>
                  <select id="role-${m.userId}" name="role">${roles.map(([v, l]) => html`<option value="${v}"${v === m.role ? html` selected` : ''}>${l}</option>`)}</select>
                  <button class="btn small" type="submit">Change<span class="visually-hidden"> role of ${m.email}</span></button></form>`
                : m.role
            }</td>
            <td class="hide-sm">${formatTime(m.addedAt, tz)}</td>
            ${
              manage
                ? html`<td><form method="post" action="${base}/team/members/${encodeURIComponent(m.userId)}/remove" data-confirm="Remove this member? They are signed out at once.">${csrfField(shell.csrf)}
                  <button class="btn small danger" type="submit">Remove<span class="visually-hidden"> ${m.email}</span></button></form></td>`
                : ''
            }</tr>`,
        )}</tbody></table></div>
      </section>
      ${
        manage && invites?.ok
          ? html`<section class="card" aria-labelledby="h-invite"><h2 id="h-invite">Invite someone</h2>
        <form method="post" action="${base}/team/invites" novalidate>${csrfField(shell.csrf)}
          ${input(state, { name: 'email', label: 'Email', type: 'email', required: true, attrs: { autocomplete: 'off' } })}
          ${select(state, { name: 'role', label: 'Role', options: roles, value: 'editor' })}
          <div class="actions"><button class="btn primary" type="submit">Send invite</button></div>
        </form></section>
      <section class="card" aria-labelledby="h-invites"><h2 id="h-invites">Invites</h2>
        ${
          invites.data.data.length === 0
            ? html`<p class="empty">No invites.</p>`
            : html`<div class="table-wrap"><table><thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col" class="hide-sm">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${invites.data.data.map(
            (
              i,
            ) => html`<tr><td>${i.email}</td><td>${i.role}</td><td>${i.status}</td><td class="hide-sm">${formatTime(i.expiresAt, tz)}</td>
              <td>${
                i.status === 'pending' || i.status === 'expired'
                  ? html`<form method="post" action="${base}/team/invites/${encodeURIComponent(i.id)}/resend" class="inline">${csrfField(shell.csrf)}<button class="btn small" type="submit">Re-send<span class="visually-hidden"> to ${i.email}</span></button></form>
                    <form method="post" action="${base}/team/invites/${encodeURIComponent(i.id)}/revoke" class="inline">${csrfField(shell.csrf)}<button class="btn small danger" type="submit">Revoke<span class="visually-hidden"> invite of ${i.email}</span></button></form>`
                  : ''
              }</td></tr>`,
          )}</tbody></table></div>`
        }
      </section>`
          : ''
      }
      ${shell.role === 'owner' ? ownership(shell, state, team.data.members) : ''}
      ${
        shell.role === 'owner'
          ? html`<section class="card" aria-labelledby="h-2fa"><h2 id="h-2fa">Two-factor sign-in</h2>
        <p>${team.data.requireTwoFactor ? 'Required for every member: members without it can only open their account settings until they turn it on.' : 'Optional: each member decides.'}</p>
        <form method="post" action="${base}/team/two-factor">${csrfField(shell.csrf)}
          <input type="hidden" name="required" value="${team.data.requireTwoFactor ? 'false' : 'true'}">
          <button class="btn" type="submit">${team.data.requireTwoFactor ? 'Stop requiring two-factor' : 'Require two-factor for everyone'}</button>
        </form></section>`
          : ''
      }`;
    return kit.render(c, page(shell, { title: 'Team', section: 'team', body, notice: c.req.query('notice') }), status);
  }

  app.get('/team', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return teamPage(c, shell);
  });

  const action = (
    path: string,
    run: (
      c: Context,
      f: Record<string, string>,
    ) => Promise<{ ok: boolean; status: number; error?: { code: string; message: string; field?: string } }>,
    notice: string,
    fields: readonly string[] = [],
  ) =>
    app.post(path, async (c) => {
      const shell = await kit.shell(c);
      if (shell instanceof Response) return shell;
      const f = await kit.form(c);
      const r = await run(c, f);
      if (r.ok) return kit.redirect(c, '/team', notice);
      if (r.status === 404) return kit.notFound(c, shell);
      return teamPage(
        c,
        shell,
        withApiError(formState(f), r.error ?? { code: 'internal', message: 'That did not work' }, fields),
        r.status,
      );
    });

  action(
    '/team/invites',
    (c, f) =>
      kit.call(c, 'POST', '/v1/team/invites', { body: { email: (f.email ?? '').trim(), role: f.role ?? '' }, form: f }),
    'invite-sent',
    ['email', 'role'],
  );
  action(
    '/team/invites/:id/resend',
    (c, f) =>
      kit.call(c, 'POST', `/v1/team/invites/${encodeURIComponent(c.req.param('id') ?? '')}/resend`, { form: f }),
    'invite-resent',
  );
  action(
    '/team/invites/:id/revoke',
    (c, f) => kit.call(c, 'DELETE', `/v1/team/invites/${encodeURIComponent(c.req.param('id') ?? '')}`, { form: f }),
    'invite-revoked',
  );
  action(
    '/team/members/:id/role',
    (c, f) =>
      kit.call(c, 'PATCH', `/v1/team/members/${encodeURIComponent(c.req.param('id') ?? '')}`, {
        body: { role: f.role ?? '' },
        form: f,
      }),
    'role-changed',
  );
  action(
    '/team/members/:id/remove',
    (c, f) => kit.call(c, 'DELETE', `/v1/team/members/${encodeURIComponent(c.req.param('id') ?? '')}`, { form: f }),
    'member-removed',
  );
  action(
    '/team/ownership',
    (c, f) => kit.call(c, 'POST', '/v1/team/ownership', { body: { userId: f.userId ?? '' }, form: f }),
    'ownership-transferred',
    ['userId'],
  );
  action(
    '/team/two-factor',
    (c, f) => kit.call(c, 'PATCH', '/v1/team', { body: { requireTwoFactor: f.required === 'true' }, form: f }),
    'two-factor-rule',
  );
}
