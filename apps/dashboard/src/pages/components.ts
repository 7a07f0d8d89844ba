import type { Component, ComponentGroup } from '@upstate/core';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Kit } from '../kit.ts';
import { page, type Shell } from '../layout.ts';
import {
  automaticStatusOption,
  badge,
  checkbox,
  componentStatusOptions,
  csrfField,
  errorSummary,
  type FormState,
  formState,
  input,
  select,
  textarea,
  withApiError,
} from '../ui.ts';

const componentFields = ['name', 'description', 'groupId', 'status', 'onlyShowIfDegraded', 'showUptime'] as const;
const groupFields = ['name', 'description'] as const;

interface ListForms {
  component?: FormState;
  group?: FormState;
  row?: FormState;
}

/** Form text to the API's JSON: empty optional text is null, checkboxes are booleans. */
function componentBody(f: Record<string, string>, withStatus: boolean) {
  return {
    name: f.name ?? '',
    description: f.description?.trim() ? f.description : null,
    groupId: f.groupId ? f.groupId : null,
    ...(withStatus && f.status ? { status: f.status } : {}),
    onlyShowIfDegraded: f.onlyShowIfDegraded === 'on',
    showUptime: f.showUptime === 'on',
  };
}

export function componentRoutes(app: Hono, kit: Kit) {
  const { base } = kit;

  async function load(c: Context) {
    const [components, groups] = await Promise.all([
      kit.call<{ data: Component[] }>(c, 'GET', '/v1/components'),
      kit.call<{ data: ComponentGroup[] }>(c, 'GET', '/v1/component-groups'),
    ]);
    return { components: components.ok ? components.data.data : [], groups: groups.ok ? groups.data.data : [] };
  }

  const groupOptions = (groups: ComponentGroup[]) =>
    [['', 'No group'] as const, ...groups.map((g) => [g.id, g.name] as const)] as const;

  async function listPage(c: Context, shell: Shell, forms: ListForms = {}, status = 200) {
    const { components, groups } = await load(c);
    const sections = [
      ...groups.map((g) => ({
        group: g as ComponentGroup | null,
        items: components.filter((x) => x.groupId === g.id),
      })),
      { group: null, items: components.filter((x) => !x.groupId || !groups.some((g) => g.id === x.groupId)) },
    ].filter((s) => s.group || s.items.length);
    const componentForm = forms.component ?? formState();
    const groupForm = forms.group ?? formState();
    const body = html`<div class="page-head"><div><h1>Components</h1><p>What your customers depend on, in the order your page shows them.</p></div></div>
      ${forms.row ? errorSummary(forms.row) : ''}
      ${
        components.length === 0 && groups.length === 0
          ? html`<div class="card"><p class="empty">No components yet. Add your first one below.</p></div>`
          : sections.map((s, si) => sectionCard(shell, s.group, s.items, si, groups.length))
      }
      <div class="grid">
        <section class="card" aria-labelledby="h-new-component">
          <h2 id="h-new-component">Add a component</h2>
          ${errorSummary(componentForm)}
          <form method="post" action="${base}/components" novalidate>
            ${csrfField(shell.csrf)}
            ${input(componentForm, { name: 'name', label: 'Name', required: true, attrs: { maxlength: 120 } })}
            ${textarea(componentForm, { name: 'description', label: 'Description', rows: 2, hint: 'Shown as a tooltip on your page.' })}
            ${select(componentForm, { name: 'groupId', label: 'Group', options: groupOptions(groups) })}
            ${select(componentForm, { name: 'status', label: 'Current status', options: [automaticStatusOption, ...componentStatusOptions], value: '', hint: 'Automatic: operational until a monitor or an incident says otherwise. A status you pick holds until you return it to automatic.' })}
            ${checkbox(componentForm, { name: 'showUptime', label: 'Show uptime bars', checked: true })}
            ${checkbox(componentForm, { name: 'onlyShowIfDegraded', label: 'Only show when not operational' })}
            <div class="actions"><button class="btn primary" type="submit">Add component</button></div>
          </form>
        </section>
        <section class="card" aria-labelledby="h-new-group">
          <h2 id="h-new-group">Add a group</h2>
          <p class="muted small">Groups collapse related components (for example “EU region”).</p>
          ${errorSummary(groupForm)}
          <form method="post" action="${base}/groups" novalidate>
            ${csrfField(shell.csrf)}
            ${input(groupForm, { name: 'groupName', label: 'Group name', required: true, attrs: { maxlength: 120 } })}
            ${textarea(groupForm, { name: 'groupDescription', label: 'Group description', rows: 2 })}
            <div class="actions"><button class="btn" type="submit">Add group</button></div>
          </form>
        </section>
      </div>`;
    return kit.render(
      c,
      page(shell, { title: 'Components', section: 'components', body, notice: c.req.query('notice') }),
      status,
    );
  }

  function sectionCard(
    shell: Shell,
    group: ComponentGroup | null,
    items: Component[],
    index: number,
    groupCount: number,
  ) {
    const title = group ? group.name : 'Ungrouped';
    const headingId = `h-section-${index}`;
    return html`<section class="card" aria-labelledby="${headingId}">
      <div class="card-head">
        <h2 id="${headingId}">${title}</h2>
        ${
          group
            ? html`<div class="row-actions">
                ${moveButtons(shell, `${base}/groups/${encodeURIComponent(group.id)}/move`, group.name, index === 0, index === groupCount - 1)}
                <a class="btn small" href="${base}/groups/${encodeURIComponent(group.id)}">Edit<span class="visually-hidden"> group ${group.name}</span></a>
              </div>`
            : ''
        }
      </div>
      ${
        items.length === 0
          ? html`<p class="muted">No components in this group.</p>`
          : html`<div class="table-wrap"><table>
        <thead><tr><th scope="col">Component</th><th scope="col">Status</th><th scope="col">Set status</th><th scope="col">Order</th><th scope="col"><span class="visually-hidden">Edit</span></th></tr></thead>
        <tbody>${items.map(
          (x, i) => html`<tr>
            <td><strong>${x.name}</strong>${x.description ? html`<div class="muted small">${x.description}</div>` : ''}</td>
            <td>${badge(x.status)}${x.statusSource !== 'manual' ? html` <span class="muted small">(${x.statusSource})</span>` : ''}</td>
            <td><form method="post" action="${base}/components/${encodeURIComponent(x.id)}/status" class="inline">
              ${csrfField(shell.csrf)}
              <label class="visually-hidden" for="status-${x.id}">Status of ${x.name}</label>
              <select id="status-${x.id}" name="status">${x.statusSource === 'manual' ? html`<option value="">Return to automatic</option>` : ''}${componentStatusOptions.map(
                ([v, l]) => html`<option value="${v}"${v === x.status ? html` selected` : ''}>${l}</option>`,
              )}</select>
              <button class="btn small" type="submit">Set<span class="visually-hidden"> status of ${x.name}</span></button>
            </form></td>
            <td>${moveButtons(shell, `${base}/components/${encodeURIComponent(x.id)}/move`, x.name, i === 0, i === items.length - 1)}</td>
            <td><a class="btn small" href="${base}/components/${encodeURIComponent(x.id)}">Edit<span class="visually-hidden"> ${x.name}</span></a></td>
          </tr>`,
        )}</tbody></table></div>`
      }
    </section>`;
  }

  function moveButtons(shell: Shell, action: string, name: string, first: boolean, last: boolean) {
    return html`<form method="post" action="${action}" class="inline">
      ${csrfField(shell.csrf)}
      <button class="btn small" type="submit" name="direction" value="up"${first ? html` disabled` : ''}>↑<span class="visually-hidden"> Move ${name} up</span></button>
      <button class="btn small" type="submit" name="direction" value="down"${last ? html` disabled` : ''}>↓<span class="visually-hidden"> Move ${name} down</span></button>
    </form>`;
  }

  app.get('/components', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return listPage(c, shell);
  });

  app.post('/components', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'POST', '/v1/components', { body: componentBody(f, true), form: f });
    if (r.ok) return kit.redirect(c, '/components', 'component-created');
    return listPage(c, shell, { component: withApiError(formState(f), r.error, componentFields) }, r.status);
  });

  app.post('/components/:id/status', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'PATCH', `/v1/components/${encodeURIComponent(id)}`, {
      // An empty choice hands the component back to its monitors (and incidents).
      body: f.status ? { status: f.status } : { clearManualStatus: true },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/components', 'status-set');
    if (r.status === 404) return kit.notFound(c, shell);
    return listPage(c, shell, { row: withApiError(formState(), r.error, []) }, r.status);
  });

  app.post('/components/:id/move', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const { components } = await load(c);
    const id = c.req.param('id');
    const me = components.find((x) => x.id === id);
    if (!me) return kit.notFound(c, shell);
    // Swap with the neighbour in the same group; the page order is the global position order.
    const siblings = components.filter((x) => x.groupId === me.groupId);
    const i = siblings.indexOf(me);
    const other = siblings[f.direction === 'up' ? i - 1 : i + 1];
    const order = components.map((x) => x.id);
    if (other) {
      const a = order.indexOf(me.id);
      const b = order.indexOf(other.id);
      [order[a], order[b]] = [other.id, me.id];
    }
    const r = await kit.call(c, 'PUT', '/v1/component-order', { body: { components: order }, form: f });
    if (r.ok) return kit.redirect(c, '/components', 'reordered');
    return listPage(c, shell, { row: withApiError(formState(), r.error, []) }, r.status);
  });

  async function editPage(c: Context, shell: Shell, id: string, state?: FormState, status = 200) {
    const [r, { groups }] = await Promise.all([
      kit.call<Component>(c, 'GET', `/v1/components/${encodeURIComponent(id)}`),
      load(c),
    ]);
    if (!r.ok) return kit.notFound(c, shell);
    const x = r.data;
    const form =
      state ??
      formState({
        name: x.name,
        description: x.description ?? '',
        groupId: x.groupId ?? '',
        showUptime: x.showUptime ? 'on' : '',
        onlyShowIfDegraded: x.onlyShowIfDegraded ? 'on' : '',
      });
    const action = `${base}/components/${encodeURIComponent(x.id)}`;
    const body = html`<div class="page-head"><div><h1>Edit ${x.name}</h1><p><a href="${base}/components">← All components</a></p></div></div>
      <section class="card" aria-label="Component settings">
        ${errorSummary(form)}
        <form method="post" action="${action}" novalidate>
          ${csrfField(shell.csrf)}
          ${input(form, { name: 'name', label: 'Name', required: true, attrs: { maxlength: 120 } })}
          ${textarea(form, { name: 'description', label: 'Description', rows: 2 })}
          ${select(form, { name: 'groupId', label: 'Group', options: groupOptions(groups) })}
          ${checkbox(form, { name: 'showUptime', label: 'Show uptime bars' })}
          ${checkbox(form, { name: 'onlyShowIfDegraded', label: 'Only show when not operational' })}
          <div class="actions"><button class="btn primary" type="submit">Save</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="h-danger">
        <h2 id="h-danger">Delete</h2>
        <p class="muted">Removes the component from your page. Past incidents keep their text.</p>
        <form method="post" action="${action}/delete" data-confirm="Delete this component?">
          ${csrfField(shell.csrf)}<button class="btn danger" type="submit">Delete component</button>
        </form>
      </section>`;
    return kit.render(c, page(shell, { title: `Edit ${x.name}`, section: 'components', body }), status);
  }

  app.get('/components/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return editPage(c, shell, c.req.param('id'));
  });

  app.post('/components/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'PATCH', `/v1/components/${encodeURIComponent(id)}`, {
      body: componentBody(f, false),
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/components', 'component-saved');
    if (r.status === 404) return kit.notFound(c, shell);
    return editPage(c, shell, id, withApiError(formState(f), r.error, componentFields), r.status);
  });

  app.post('/components/:id/delete', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const r = await kit.call(c, 'DELETE', `/v1/components/${encodeURIComponent(c.req.param('id'))}`, {
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/components', 'component-deleted');
    if (r.status === 404) return kit.notFound(c, shell);
    return listPage(c, shell, { row: withApiError(formState(), r.error, []) }, r.status);
  });

  // Groups ------------------------------------------------------------------------------------------
  app.post('/groups', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    // Named apart from the component form on the same page, so ids and labels stay unique.
    const r = await kit.call(c, 'POST', '/v1/component-groups', {
      body: { name: f.groupName ?? '', description: f.groupDescription?.trim() ? f.groupDescription : null },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/components', 'group-created');
    const state = withApiError(formState(f), r.error, ['groupName', 'groupDescription'], {
      name: 'groupName',
      description: 'groupDescription',
    });
    return listPage(c, shell, { group: state }, r.status);
  });

  app.post('/groups/:id/move', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const { groups } = await load(c);
    const order = groups.map((g) => g.id);
    const a = order.indexOf(c.req.param('id'));
    if (a < 0) return kit.notFound(c, shell);
    const b = f.direction === 'up' ? a - 1 : a + 1;
    if (b >= 0 && b < order.length) [order[a], order[b]] = [order[b] as string, order[a] as string];
    const r = await kit.call(c, 'PUT', '/v1/component-order', { body: { groups: order }, form: f });
    if (r.ok) return kit.redirect(c, '/components', 'reordered');
    return listPage(c, shell, { row: withApiError(formState(), r.error, []) }, r.status);
  });

  async function groupPage(c: Context, shell: Shell, id: string, state?: FormState, status = 200) {
    const { groups } = await load(c);
    const g = groups.find((x) => x.id === id);
    if (!g) return kit.notFound(c, shell);
    const form = state ?? formState({ name: g.name, description: g.description ?? '' });
    const action = `${base}/groups/${encodeURIComponent(g.id)}`;
    const body = html`<div class="page-head"><div><h1>Edit group ${g.name}</h1><p><a href="${base}/components">← All components</a></p></div></div>
      <section class="card" aria-label="Group settings">
        ${errorSummary(form)}
        <form method="post" action="${action}" novalidate>
          ${csrfField(shell.csrf)}
          ${input(form, { name: 'name', label: 'Group name', required: true, attrs: { maxlength: 120 } })}
          ${textarea(form, { name: 'description', label: 'Description', rows: 2 })}
          <div class="actions"><button class="btn primary" type="submit">Save</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="h-danger">
        <h2 id="h-danger">Delete</h2>
        <p class="muted">Only an empty group can be deleted: move its components first.</p>
        <form method="post" action="${action}/delete" data-confirm="Delete this group?">
          ${csrfField(shell.csrf)}<button class="btn danger" type="submit">Delete group</button>
        </form>
      </section>`;
    return kit.render(c, page(shell, { title: `Edit group ${g.name}`, section: 'components', body }), status);
  }

  app.get('/groups/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    return groupPage(c, shell, c.req.param('id'));
  });

  app.post('/groups/:id', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'PATCH', `/v1/component-groups/${encodeURIComponent(id)}`, {
      body: { name: f.name ?? '', description: f.description?.trim() ? f.description : null },
      form: f,
    });
    if (r.ok) return kit.redirect(c, '/components', 'group-saved');
    if (r.status === 404) return kit.notFound(c, shell);
    return groupPage(c, shell, id, withApiError(formState(f), r.error, groupFields), r.status);
  });

  app.post('/groups/:id/delete', async (c) => {
    const shell = await kit.shell(c);
    if (shell instanceof Response) return shell;
    const f = await kit.form(c);
    const id = c.req.param('id');
    const r = await kit.call(c, 'DELETE', `/v1/component-groups/${encodeURIComponent(id)}`, { form: f });
    if (r.ok) return kit.redirect(c, '/components', 'group-deleted');
    if (r.status === 404) return kit.notFound(c, shell);
    return groupPage(c, shell, id, withApiError(formState(), r.error, []), r.status);
  });
}
