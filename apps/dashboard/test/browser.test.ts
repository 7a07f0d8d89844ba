import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { recordingPublishTrigger } from '@upstate/api';
import { startApiServer } from '@upstate/api/node';
import { createSesMailer } from '@upstate/aws';
import { startSesLocal } from '@upstate/aws/testing';
import { currentTotp } from '@upstate/services/account/totp';
import { recordedSource, statuspageRecording } from '@upstate/services/imports/recording';
import type { Store } from '@upstate/store';
import { createTestStore } from '@upstate/store/testing';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../src/index.ts';

// Real Chromium against the API and the dashboard on one Node server, mounted through the API
// server's `extend` hook exactly as the local platform does.

const screenshots = new URL('../../../artifacts/screenshots/', import.meta.url).pathname;
let browser: Browser;
let server: Awaited<ReturnType<typeof startApiServer>>;
let store: Store;
let origin: string;
let ses: Awaited<ReturnType<typeof startSesLocal>>;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  ({ store } = await createTestStore());
  // Account email goes through the SES stand-in; the tests follow links from its mailbox.
  ses = await startSesLocal();
  server = await startApiServer({
    port: 0,
    deps: {
      store,
      publishTrigger: recordingPublishTrigger(),
      dnsResolver: { resolveTxt: async () => [] },
      log: () => {},
      imports: { vet: async () => {}, source: (root) => recordedSource(root, statuspageRecording({ incidents: 12 })) },
      mailer: createSesMailer({ client: ses.client }),
    },
    extend: (app) => {
      app.route('/dashboard', createDashboard({ api: app, store }));
    },
  });
  origin = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ses?.close();
});

/** The newest `path` link (e.g. `/verify`) in the SES stand-in's mailbox for `to`, on this server. */
async function mailLink(to: string, path: string): Promise<string> {
  const pattern = new RegExp(`/dashboard${path}\\?token=([\\w-]+)`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const m of [...(await ses.messages())].reverse()) {
      const token = m.to.includes(to) ? pattern.exec(m.text)?.[1] : undefined;
      if (token) return `${origin}/dashboard${path}?token=${token}`;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

/** A context that can reach only the local server: a logo or link elsewhere is never fetched. */
async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort('blockedbyclient'),
  );
  return context;
}

/**
 * axe-core on the dashboard's markup; a hang fails with the URL. The branding preview frame is
 * excluded: axe's injection into a sandboxed, script-less frame can hang, and its content is the
 * public page, which packages/render tests with axe in both themes. The journey checks the
 * iframe's title and sandbox itself.
 */
async function axe(page: Page) {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    new AxeBuilder({ page }).exclude('iframe[name="preview"]').exclude('iframe.embed-frame-preview').analyze(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`axe did not finish on ${page.url()} in 60 s`)), 60_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${screenshots}dashboard-${name}.png`, fullPage: true });

// Generous: the suite shares two cores with every other package's tests.
const poll = { timeout: 30_000, interval: 100 };
const visible = (l: Locator) => l.waitFor({ state: 'visible', timeout: 30_000 });
const hidden = (l: Locator) => l.waitFor({ state: 'hidden', timeout: 30_000 });
const text = (l: Locator) =>
  expect.poll(async () => ((await l.count()) > 0 ? ((await l.first().textContent()) ?? '') : ''), poll);

let counter = 0;
const uniqueSlug = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}`;

async function signUp(page: Page, slug: string) {
  await page.goto(`${origin}/dashboard/signup`);
  await page.getByLabel('Company name').fill('Journey Co');
  await page.getByLabel('Page address').fill(slug);
  await page.getByLabel('Work email').fill(`${slug}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await visible(page.getByRole('heading', { name: 'Check your email' }));
  await page.goto(await mailLink(`${slug}@example.com`, '/verify'));
  await page.getByRole('button', { name: 'Confirm and create my page' }).click();
  await visible(page.getByRole('heading', { name: 'Your page is live' }));
}

describe('the tenant journey in Chromium', () => {
  it('signs up, brands the page with a live preview, adds components, opens and resolves an incident', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const slug = uniqueSlug('journey');
    await signUp(page, slug);
    await text(page.getByLabel('API key')).toMatch(/^up_live_[0-9a-f]{48}$/);
    await shot(page, 'signup-done');
    const tenantId = (await store.tenants.getBySlug(slug))?.tenant.id ?? '';
    expect(tenantId).not.toBe('');

    // Branding: the preview iframe is the real theme and follows unsaved edits.
    await page.getByRole('link', { name: 'Continue: brand your page' }).click();
    await visible(page.getByRole('heading', { name: 'Branding', exact: true }));
    const frame = page.locator('iframe[name="preview"]');
    expect(await frame.getAttribute('title')).toBe('Preview of your public status page');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const preview = page.frameLocator('iframe[name="preview"]');
    const colour = page.getByLabel('Brand colour', { exact: true });
    await colour.fill('#ffdd00');
    await visible(page.locator('#contrast-warning'));
    await colour.fill('#0f766e');
    await hidden(page.locator('#contrast-warning'));
    await page.getByLabel('Page title (company name)').fill('Journey Cloud');
    await page.getByLabel('Compact (dense table)').check();
    await page.getByLabel('Always dark').check();
    await page.getByLabel('Link 1 text').fill('Support');
    await page.getByLabel('Link 1 address').fill('mailto:help@journey.example.com');
    await expect.poll(() => preview.locator('link[href*="brand.css?color=0f766e"]').count(), poll).toBe(1);
    await expect.poll(() => preview.locator('html').getAttribute('data-scheme'), poll).toBe('dark');
    await text(preview.locator('body')).toContain('Journey Cloud');
    await shot(page, 'branding-preview');
    expect((await store.tenants.require(tenantId)).branding.theme).toBe('default');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Branding saved.' }));
    expect((await store.tenants.require(tenantId)).branding).toMatchObject({
      brandColor: '#0f766e',
      theme: 'compact',
      colorScheme: 'dark',
      footerLinks: [{ label: 'Support', url: 'mailto:help@journey.example.com' }],
    });

    // Components.
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Components' }).click();
    for (const name of ['API', 'Website']) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Add component' }).click();
      await visible(page.getByRole('status').filter({ hasText: 'Component added.' }));
    }
    await page.getByLabel('Status of Website').selectOption('degraded_performance');
    await page.getByRole('button', { name: 'Set status of Website' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Status updated.' }));
    await shot(page, 'components');

    // Open an incident affecting API, then resolve it.
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('link', { name: 'Report an incident' }).click();
    await visible(page.getByRole('heading', { name: 'Report an incident', level: 1 }));
    // The deferred script must be running before typing, as it would be for a person.
    await page.waitForLoadState('load');
    await page.getByLabel('Title').fill('API errors');
    await page.getByLabel('Message to your customers').fill('We are **investigating** elevated errors.');
    // The preview follows the text as it is typed (the script), with no save.
    await text(page.getByRole('region', { name: 'Preview' }).locator('strong')).toMatch('investigating');
    await page.getByLabel('Impact').selectOption('major');
    await page.getByLabel('API', { exact: true }).selectOption('major_outage');
    await page.getByRole('button', { name: 'Open incident' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'API errors' }));
    const api = (await store.components.list(tenantId)).find((x) => x.name === 'API');
    expect(api?.status).toBe('major_outage');
    await shot(page, 'incident-open');
    await page.getByLabel('Resolution message').fill('Fixed by rolling back.');
    await page.getByRole('button', { name: 'Resolve incident' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Incident resolved.' }));
    await visible(page.locator('table').getByText('incident.resolved'));
    const incident = (await store.incidents.list(tenantId)).items[0];
    expect(incident?.status).toBe('resolved');
    expect((await store.components.get(tenantId, api?.id ?? ''))?.status).toBe('operational');
    await shot(page, 'incident-resolved');
    await context.close();
  });
});

describe('accessibility', () => {
  it('has zero axe violations on every dashboard page', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const violations: Record<string, string[]> = {};
    for (const path of ['/dashboard/signup', '/dashboard/login', '/dashboard/reset', '/dashboard/verify?token=x']) {
      await page.goto(origin + path);
      violations[path] = await axe(page);
    }
    const slug = uniqueSlug('axe');
    await signUp(page, slug);
    violations['signup-done'] = await axe(page);
    const tenantId = (await store.tenants.getBySlug(slug))?.tenant.id ?? '';
    // One of everything, so detail pages exist; each submit is followed by its result page.
    const notice = (t: string) => visible(page.getByRole('status').filter({ hasText: t }));
    await page.goto(`${origin}/dashboard/components`);
    await page.getByLabel('Name', { exact: true }).fill('API');
    await page.getByRole('button', { name: 'Add component' }).click();
    await notice('Component added.');
    await page.getByLabel('Group name').fill('Core');
    await page.getByRole('button', { name: 'Add group' }).click();
    await notice('Group added.');
    await page.goto(`${origin}/dashboard/incidents/new`);
    await page.getByLabel('Title').fill('Slow pages');
    await page.getByLabel('Message to your customers').fill('Looking.');
    await page.getByRole('button', { name: 'Open incident' }).click();
    await notice('Incident opened.');
    await page.goto(`${origin}/dashboard/maintenance`);
    await page.getByLabel('Title').fill('Upgrade');
    await page.getByLabel('Details for your customers').fill('Short window.');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await notice('Maintenance scheduled.');
    await page.goto(`${origin}/dashboard/monitors`);
    await page.getByLabel('Name', { exact: true }).fill('Health');
    await page.getByLabel('URL').fill('https://api.example.com/health');
    await page.getByRole('button', { name: 'Add monitor' }).click();
    await notice('Monitor saved.');
    await page.goto(`${origin}/dashboard/domain`);
    await page.getByLabel('Domain', { exact: true }).fill('status.journey.example');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await visible(page.getByRole('heading', { name: 'status.journey.example' }));

    const component = (await store.components.list(tenantId))[0]?.id;
    const group = (await store.groups.list(tenantId))[0]?.id;
    const incident = (await store.incidents.list(tenantId)).items[0]?.id;
    const maintenance = (await store.maintenances.list(tenantId)).items[0]?.id;
    const monitor = (await store.monitors.list(tenantId))[0]?.id;
    for (const id of [component, group, incident, maintenance, monitor]) expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const pages = [
      '/dashboard',
      '/dashboard/components',
      `/dashboard/components/${component}`,
      `/dashboard/groups/${group}`,
      '/dashboard/incidents',
      '/dashboard/incidents/new',
      `/dashboard/incidents/${incident}`,
      '/dashboard/maintenance',
      `/dashboard/maintenance/${maintenance}`,
      '/dashboard/monitors',
      `/dashboard/monitors/${monitor}`,
      '/dashboard/domain',
      '/dashboard/imports',
      '/dashboard/api-keys',
      '/dashboard/branding',
      '/dashboard/embeds',
      '/dashboard/audit',
      '/dashboard/team',
      '/dashboard/settings',
      '/dashboard/no-such-page',
    ];
    for (const path of pages) {
      await page.goto(origin + path);
      violations[path] = await axe(page);
      const [section, id] = path.split('/').slice(2);
      await shot(page, `${section || 'overview'}${id ? (id === 'new' ? '-new' : '-detail') : ''}`);
    }
    // An import's job page, reloaded by its Refresh header (no script) until the job ends.
    await page.goto(`${origin}/dashboard/imports`);
    await page.getByLabel('Statuspage page address').fill('https://status.acme-cloud.example');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Finished' }).waitFor({ timeout: 30_000 });
    violations['import-job'] = await axe(page);
    await shot(page, 'import-job');
    // Error states too: the summary and the field messages.
    await page.goto(`${origin}/dashboard/components`);
    await page.getByRole('button', { name: 'Add component' }).click();
    await text(page.locator('#f-name-error')).toMatch(/required/);
    violations['components-error'] = await axe(page);
    await page.goto(`${origin}/dashboard/branding`);
    await page.getByLabel('Brand colour', { exact: true }).fill('#ffee00');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await text(page.locator('#f-branding-brandColor-error')).toContain('contrast');
    violations['branding-error'] = await axe(page);
    await shot(page, 'branding-error');

    // Team and account flows: an invite, its landing page for the invitee, two-factor set-up and
    // its recovery codes, and a second tenant so the switcher shows.
    await page.goto(`${origin}/dashboard/team`);
    await page.getByLabel('Email', { exact: true }).fill(`invitee-${slug}@example.com`);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await notice('Invite sent.');
    violations['team-invited'] = await axe(page);
    await shot(page, 'team');
    const invitee = await newContext();
    const invitePage = await invitee.newPage();
    await invitePage.goto(await mailLink(`invitee-${slug}@example.com`, '/invite'));
    violations['invite-landing'] = await axe(invitePage);
    await invitePage.getByLabel('Choose a password').fill('short');
    await invitePage.getByRole('button', { name: 'Join the team' }).click();
    await text(invitePage.locator('#f-password-error')).toMatch(/at least 10/);
    violations['invite-error'] = await axe(invitePage);
    await invitee.close();
    await page.goto(`${origin}/dashboard/settings`);
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    await visible(page.getByLabel('Code from the app'));
    violations['two-factor-setup'] = await axe(page);
    const secret = (await page.getByLabel('Two-factor secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill(currentTotp(secret.trim(), new Date()));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await visible(page.getByLabel('Recovery codes'));
    violations['two-factor-recovery'] = await axe(page);
    await shot(page, 'settings-two-factor');
    const second = await newContext();
    const other = await second.newPage();
    const otherSlug = uniqueSlug('axe-other');
    await signUp(other, otherSlug);
    await other.goto(`${origin}/dashboard/team`);
    await other.getByLabel('Email', { exact: true }).fill(`${slug}@example.com`);
    await other.getByRole('button', { name: 'Send invite' }).click();
    await visible(other.getByRole('status').filter({ hasText: 'Invite sent.' }));
    await second.close();
    await page.goto(await mailLink(`${slug}@example.com`, '/invite'));
    await page.getByLabel('Your Upstate password').fill('correct horse battery');
    // A code counts once: wait for the next 30 s step after the one that turned two-factor on.
    const step = Math.floor(Date.now() / 30_000);
    while (Math.floor(Date.now() / 30_000) === step) await new Promise((r) => setTimeout(r, 500));
    await page.getByLabel('Two-factor code').fill(currentTotp(secret.trim(), new Date()));
    await page.getByRole('button', { name: 'Join the team' }).click();
    await visible(page.getByLabel('Switch status page'));
    violations.switcher = await axe(page);
    await shot(page, 'switcher');

    for (const [path, list] of Object.entries(violations)) expect({ path, list }).toEqual({ path, list: [] });
    await context.close();
  }, 300_000);

  it('works from the keyboard: skip link, labelled fields, visible focus, Enter submits', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const slug = uniqueSlug('keys');
    await signUp(page, slug);
    await page.goto(`${origin}/dashboard`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await text(page.getByRole('status')).toMatch('You are signed out.');

    // Log in with the keyboard alone: Tab reaches email, then password, in reading order.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await page.keyboard.type(`${slug}@example.com`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Overview' }));

    // First Tab lands on the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({
      text: document.activeElement?.textContent,
      outline: getComputedStyle(document.activeElement as Element).outlineStyle,
    }));
    expect(skip).toEqual({ text: 'Skip to content', outline: 'solid' });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // The navigation is reachable in order and shows where focus is.
    await page.goto(`${origin}/dashboard`);
    const order: string[] = [];
    for (let i = 0; i < 17; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({
        text: (document.activeElement?.textContent ?? '').trim(),
        outline: getComputedStyle(document.activeElement as Element).outlineStyle,
      }));
      expect(focused.outline, focused.text).not.toBe('none');
      order.push(focused.text);
    }
    expect(order.slice(0, 17)).toEqual([
      'Skip to content',
      'Upstate',
      'Overview',
      'Components',
      'Incidents',
      'Maintenance',
      'Monitors',
      'Subscribers',
      'Branding',
      'Badges & embeds',
      'Custom domain',
      'Import',
      'API keys',
      'Audit log',
      'Team',
      'Account settings',
      'Log out',
    ]);

    // An error moves nobody's cheese: the message is tied to its field for screen readers.
    await page.goto(`${origin}/dashboard/incidents/new`);
    await page.getByLabel('Title').focus();
    await page.keyboard.press('Enter');
    const title = page.getByLabel('Title');
    await expect.poll(() => title.getAttribute('aria-invalid'), poll).toBe('true');
    const description = await title.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(description).toMatch(/required/);
    await context.close();
  });

  it('works on a phone: no sideways scrolling, navigation and forms usable', async () => {
    const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signUp(page, uniqueSlug('phone'));
    for (const path of ['/dashboard', '/dashboard/components', '/dashboard/incidents/new', '/dashboard/branding']) {
      await page.goto(origin + path);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
      expect(widths.scroll, path).toBeLessThanOrEqual(widths.view);
      expect(await axe(page), path).toEqual([]);
      await shot(page, `phone-${path.split('/').slice(2).join('-') || 'overview'}`);
    }
    await page.goto(`${origin}/dashboard/components`);
    await page.getByLabel('Name', { exact: true }).fill('Mobile API');
    await page.getByRole('button', { name: 'Add component' }).tap();
    await visible(page.getByRole('status').filter({ hasText: 'Component added.' }));
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Incidents' }).tap();
    await visible(page.getByRole('heading', { name: 'Incidents', level: 1 }));
    await context.close();
  });

  it('works without JavaScript', async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const slug = uniqueSlug('nojs');
    await signUp(page, slug);
    await page.goto(`${origin}/dashboard/components`);
    await page.getByRole('button', { name: 'Add component' }).click();
    await text(page.locator('#f-name-error')).toMatch(/required/);
    await page.getByLabel('Name', { exact: true }).fill('No-JS API');
    await page.getByRole('button', { name: 'Add component' }).click();
    await visible(page.locator('td strong', { hasText: 'No-JS API' }));
    // Markdown preview is a submit button that re-renders the form, saving nothing.
    await page.goto(`${origin}/dashboard/incidents/new`);
    await page.getByLabel('Title').fill('Draft');
    await page.getByLabel('Message to your customers').fill('Now _previewed_ <b>raw</b>');
    await page.getByRole('button', { name: 'Preview message' }).click();
    await text(page.getByRole('region', { name: 'Preview' }).locator('em')).toMatch('previewed');
    await text(page.getByRole('region', { name: 'Preview' })).toContain('<b>raw</b>');
    expect(await page.getByLabel('Title').inputValue()).toBe('Draft');
    // The branding preview button posts the unsaved form into the preview frame.
    await page.goto(`${origin}/dashboard/branding`);
    await page.getByLabel('Page title (company name)').fill('Unsaved Name');
    await page.getByRole('button', { name: 'Update preview' }).click();
    await text(page.frameLocator('iframe[name="preview"]').locator('body')).toContain('Unsaved Name');
    const tenant = await store.tenants.getBySlug(slug);
    expect(tenant?.tenant.name).toBe('Journey Co');
    await context.close();
  });
});

describe('deleting the status page', () => {
  it('asks the owner to type the page address, then deletes it and signs out (a plain form: no JavaScript needed)', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const slug = uniqueSlug('delete-me');
    await signUp(page, slug);
    await page.goto(`${origin}/dashboard/settings`);
    const zone = page.getByRole('region', { name: 'Delete this status page' });
    await visible(zone);
    expect(await zone.locator('form[method="post"][action$="/dashboard/settings/delete-page"]').count()).toBe(1);
    await zone.getByLabel(`Type the page address “${slug}” to confirm`).fill('some-other-page');
    await zone.getByRole('button', { name: 'Delete this page for good' }).click();
    await text(page.getByRole('alert')).toMatch(new RegExp(`Type the page address "${slug}" to confirm`));
    expect(await axe(page)).toEqual([]);
    expect(await store.tenants.getBySlug(slug)).toBeDefined();

    await page
      .getByRole('region', { name: 'Delete this status page' })
      .getByLabel(`Type the page address “${slug}” to confirm`)
      .fill(slug);
    await page.getByRole('button', { name: 'Delete this page for good' }).click();
    await text(page.getByRole('status')).toMatch(/The status page is deleted and you are signed out/);
    expect(await axe(page)).toEqual([]);
    expect(await store.tenants.getBySlug(slug)).toBeUndefined();
    // The old session is gone: the dashboard asks to sign in; signing in says the login has no team.
    await page.goto(`${origin}/dashboard/settings`);
    await visible(page.getByRole('button', { name: 'Log in' }));
    await page.getByLabel('Email').fill(`${slug}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(async () => (await page.locator('main').textContent()) ?? '', poll)
      .toMatch(/belongs to no team any more/);
    await context.close();
  }, 120_000);

  it('shows the danger zone to owners only', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const slug = uniqueSlug('keep-me');
    await signUp(page, slug);
    await page.goto(`${origin}/dashboard/team`);
    await page.getByLabel('Email', { exact: true }).fill(`admin-${slug}@example.com`);
    await page.getByLabel('Role', { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Invite sent.' }));
    const other = await (await newContext()).newPage();
    await other.goto(await mailLink(`admin-${slug}@example.com`, '/invite'));
    await other
      .getByLabel(/password/i)
      .first()
      .fill('admin password 1');
    await other.getByRole('button', { name: /Join/ }).click();
    await other.goto(`${origin}/dashboard/settings`);
    await visible(other.getByRole('heading', { name: 'Account settings' }));
    expect(await other.getByRole('region', { name: 'Delete this status page' }).count()).toBe(0);
    await page.goto(`${origin}/dashboard/settings`);
    expect(await page.getByRole('region', { name: 'Delete this status page' }).count()).toBe(1);
    await context.close();
  }, 120_000);
});
