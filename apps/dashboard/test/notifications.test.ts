import AxeBuilder from '@axe-core/playwright';
import { recordingPublishTrigger } from '@upstate/api';
import { startApiServer } from '@upstate/api/node';
import { createSesMailer } from '@upstate/aws';
import { startSesLocal } from '@upstate/aws/testing';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../src/index.ts';

// Issue 15 items 1 and 5 in real Chromium: the "Notify subscribers" box of the incident forms, and the
// notification settings form. Both are plain forms; the pages are driven with JavaScript off, and axe
// (which needs script) runs in a second context on the same session.

let browser: Browser;
let server: Awaited<ReturnType<typeof startApiServer>>;
let store: Store;
let origin: string;
let ses: Awaited<ReturnType<typeof startSesLocal>>;

beforeAll(async () => {
  ({ store } = await createTestStore());
  ses = await startSesLocal();
  server = await startApiServer({
    port: 0,
    deps: {
      store,
      publishTrigger: recordingPublishTrigger(),
      dnsResolver: { resolveTxt: async () => [] },
      log: () => {},
      mailer: createSesMailer({ client: ses.client }),
    },
    extend: (app) => {
      app.route('/dashboard', createDashboard({ api: app, store }));
    },
  });
  origin = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ses?.close();
});

async function verifyLink(to: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const m of [...(await ses.messages())].reverse()) {
      const token = m.to.includes(to) ? /\/dashboard\/verify\?token=([\w-]+)/.exec(m.text)?.[1] : undefined;
      if (token) return `${origin}/dashboard/verify?token=${token}`;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no verification link mailed to ${to}`);
}

async function signedIn(slug: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(30_000);
  await context.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  await page.goto(`${origin}/dashboard/signup`);
  await page.getByLabel('Company name').fill('Notify Co');
  await page.getByLabel('Page address').fill(slug);
  await page.getByLabel('Work email').fill(`${slug}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.goto(await verifyLink(`${slug}@example.com`));
  await page.getByRole('button', { name: 'Confirm and create my page' }).click();
  await page.getByRole('heading', { name: 'Your page is live' }).waitFor();
  return page;
}

/** axe-core on what `page` shows, in a script-enabled context holding the same session (and HTML). */
async function axe(page: Page): Promise<string[]> {
  const context = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    const probe = await context.newPage();
    // The same HTML at the same URL (a POST's answer cannot be fetched again), its CSS from the server.
    const markup = await page.content();
    await probe.route(page.url(), (route) => route.fulfill({ body: markup, contentType: 'text/html' }));
    await probe.goto(page.url());
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      new AxeBuilder({ page: probe }).analyze(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`axe did not finish on ${page.url()}`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    return result.violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
  } finally {
    await context.close();
  }
}

describe('notifications in the dashboard, without JavaScript', () => {
  it('offers “Notify subscribers” ticked on the incident and maintenance forms; unticked, nobody is told', async () => {
    const slug = `notify-${Date.now().toString(36)}`;
    const page = await signedIn(slug);
    const tenantId = (await store.tenants.getBySlug(slug))?.tenant.id as string;

    await page.goto(`${origin}/dashboard/incidents/new`);
    const box = page.getByLabel('Notify subscribers');
    await expect(box.isChecked()).resolves.toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('Title').fill('Quiet fix');
    await page.getByLabel('Message to your customers').fill('Nobody needs to hear this.');
    await box.uncheck();
    await page.getByRole('button', { name: 'Open incident' }).click();
    await page.getByRole('status').filter({ hasText: 'Incident opened.' }).waitFor();

    // The detail page's update, resolve forms: ticked by default; an update posted as is notifies.
    for (const form of ['Post an update', 'Resolve']) {
      const section = page.getByRole('region', { name: form });
      await expect(section.getByLabel('Notify subscribers').isChecked()).resolves.toBe(true);
    }
    await page.getByLabel('Update', { exact: true }).fill('Found it.');
    await page.getByRole('button', { name: 'Post update' }).click();
    await page.getByRole('status').filter({ hasText: 'Update posted.' }).waitFor();
    expect(await axe(page)).toEqual([]);

    const [incident] = (await store.incidents.list(tenantId)).items;
    expect(incident?.updates.map((u) => u.notify)).toEqual([false, undefined]);

    // The maintenance form has the same box: unticked, the scheduling notice notifies nobody.
    await page.goto(`${origin}/dashboard/maintenance`);
    await page.getByLabel('Title').fill('Quiet upgrade');
    await page.getByLabel('Details for your customers').fill('Short window.');
    await expect(page.getByLabel('Notify subscribers').isChecked()).resolves.toBe(true);
    await page.getByLabel('Notify subscribers').uncheck();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Maintenance scheduled.' }).waitFor();
    const [maintenance] = (await store.maintenances.list(tenantId)).items;
    expect(maintenance?.updates.map((u) => u.notify)).toEqual([false]);
    await page.context().close();
  });

  it('sets the sender name, reply-to and reminder lead time, naming a bad field, with zero axe violations', async () => {
    const slug = `settings-${Date.now().toString(36)}`;
    const page = await signedIn(slug);
    const tenantId = (await store.tenants.getBySlug(slug))?.tenant.id as string;

    await page.goto(`${origin}/dashboard/subscribers`);
    expect(await axe(page)).toEqual([]);
    await page.getByRole('link', { name: 'Notification settings' }).click();
    await expect(page.getByLabel('Maintenance reminder (minutes before the start)').inputValue()).resolves.toBe('60');
    expect(await axe(page)).toEqual([]);

    await page.getByLabel('Sender name').fill('Notify Ops');
    await page.getByLabel('Reply-to address').fill('not-an-address');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#f-replyTo-error').waitFor();
    expect(await axe(page)).toEqual([]);
    await expect(page.getByLabel('Sender name').inputValue()).resolves.toBe('Notify Ops');
    expect(await store.notificationSettings.get(tenantId)).toMatchObject({ senderName: null });

    await page.getByLabel('Reply-to address').fill('support@notify.example');
    await page.getByLabel('Maintenance reminder (minutes before the start)').fill('30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();
    expect(await axe(page)).toEqual([]);
    expect(await store.notificationSettings.get(tenantId)).toEqual({
      senderName: 'Notify Ops',
      replyTo: 'support@notify.example',
      reminderMinutes: 30,
    });
    await expect(page.getByLabel('Reply-to address').inputValue()).resolves.toBe('support@notify.example');
    await page.context().close();
  });
});
