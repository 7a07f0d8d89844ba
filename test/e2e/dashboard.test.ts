import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, poll, screenshotsDir, startTestPlatform, type TestPlatform } from './support.ts';

// The tenant journey in the dashboard of a started platform, checking each step on the PUBLIC
// page the edge serves after the real publisher has rendered and synced it.

let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  t = await startTestPlatform();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.dispose();
});

const dashboard = (path = '') => `http://localhost:${t.ports.api}/dashboard${path}`;

/** Reloads the public page until `check` holds (a publish takes a moment). */
async function publicPageUntil(page: Page, url: string, check: (html: string) => boolean, what: string) {
  return poll(
    async () => {
      const res = await page.goto(url, { waitUntil: 'load' });
      const html = await page.content();
      return res?.status() === 200 && check(html) ? html : undefined;
    },
    what,
    45_000,
  );
}

const statusOf = async (page: Page) => (await page.locator('[data-publish-url] .pill').textContent())?.trim();

describe('dashboard on the local platform', () => {
  it('signs up, brands, adds components, opens and resolves an incident — each visible on the public page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const slug = `e2e-${Date.now().toString(36)}`;

    await page.goto(dashboard('/signup'));
    await page.getByLabel('Company name').fill('Journey Cloud');
    await page.getByLabel('Page address').fill(slug);
    await page.getByLabel('Work email').fill(`${slug}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    // The verification link, from the SES stand-in's mailbox.
    const link = await poll(async () => {
      for (const m of await t.platform.mail.messages())
        if (m.to.includes(`${slug}@example.com`))
          return /https?:\/\/\S+\/dashboard\/verify\?token=[\w-]+/.exec(m.text)?.[0];
      return undefined;
    }, 'the verification email');
    await page.goto(link);
    await page.getByRole('button', { name: 'Confirm and create my page' }).click();
    await page.getByRole('heading', { name: 'Your page is live' }).waitFor();

    // The live link comes from the platform's pageBaseUrl: the edge, on the tenant's subdomain.
    await page.goto(dashboard());
    const liveUrl = (await page.getByRole('link', { name: /View live page/ }).getAttribute('href')) ?? '';
    expect(liveUrl).toBe(`http://${slug}.localhost:${t.ports.edge}`);
    const publicPage = await context.newPage();
    await publicPageUntil(publicPage, `${liveUrl}/`, (html) => html.includes('Journey Cloud'), 'the first publish');
    await poll(async () => {
      await page.reload();
      return (await statusOf(page)) === 'Live' ? true : undefined;
    }, 'the dashboard to show Live');
    expect(await page.locator('[data-when]').textContent()).toMatch(/last published \d+ (s|min) ago/);

    // Brand: compact theme, dark, a new colour and name.
    await page.goto(dashboard('/branding'));
    await page.getByLabel('Page title (company name)').fill('Journey Status Co');
    await page.getByLabel('Brand colour', { exact: true }).fill('#0f766e');
    await page.getByLabel('Compact (dense table)').check();
    await page.getByLabel('Always dark').check();
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();
    const branded = await publicPageUntil(
      publicPage,
      `${liveUrl}/`,
      (html) =>
        html.includes('Journey Status Co') && html.includes('/assets/compact/') && html.includes('data-scheme="dark"'),
      'the branded page',
    );
    expect(branded).toContain('data-scheme="dark"');
    const brandCss = await publicPage.goto(`${liveUrl}/brand.css`);
    expect(await brandCss?.text()).toContain('--brand:#0f766e');

    // Components.
    await page.goto(dashboard('/components'));
    for (const name of ['Checkout API', 'Storefront']) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Add component' }).click();
      await page.getByText('Component added.').waitFor();
    }
    await publicPageUntil(
      publicPage,
      `${liveUrl}/`,
      (html) => html.includes('Checkout API') && html.includes('Storefront'),
      'the components on the public page',
    );

    // Open an incident on Checkout API.
    await page.goto(dashboard('/incidents/new'));
    await page.getByLabel('Title').fill('Checkout failures');
    await page.getByLabel('Impact').selectOption('major');
    await page.getByLabel('Message to your customers').fill('Payments are failing for some customers.');
    await page.getByLabel('Checkout API', { exact: true }).selectOption('major_outage');
    await page.getByRole('button', { name: 'Open incident' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout failures' }).waitFor();
    const incidentUrl = page.url();
    const withIncident = await publicPageUntil(
      publicPage,
      `${liveUrl}/`,
      (html) => html.includes('Checkout failures') && html.includes('Payments are failing'),
      'the incident on the public page',
    );
    expect(withIncident).toMatch(/Major outage/i);
    await publicPage.screenshot({ path: `${screenshotsDir}/dashboard-journey-public-incident.png`, fullPage: true });

    // Resolve it.
    await page.goto(incidentUrl);
    await page.getByLabel('Resolution message').fill('A bad deploy was rolled back.');
    await page.getByRole('button', { name: 'Resolve incident' }).click();
    await page.getByText('Incident resolved.').waitFor();
    const incidentId = incidentUrl.split('/').pop() ?? '';
    const resolved = await publicPageUntil(
      publicPage,
      `${liveUrl}/incidents/${incidentId}/`,
      (html) => html.includes('A bad deploy was rolled back.'),
      'the resolution on the incident page',
    );
    expect(resolved).toMatch(/Resolved/);
    const home = await publicPageUntil(
      publicPage,
      `${liveUrl}/`,
      (html) => /All Systems Operational/i.test(html),
      'the page to be operational again',
    );
    expect(home).toMatch(/All Systems Operational/i);
    await publicPage.screenshot({ path: `${screenshotsDir}/dashboard-journey-public-resolved.png`, fullPage: true });
    await context.close();
  }, 240_000);

  it('lets the demo user printed by npm start log in and see the demo tenant', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard('/login'));
    await page.getByLabel('Email').fill(t.platform.demo.email);
    await page.getByLabel('Password').fill(t.platform.demo.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(dashboard('/components'));
    expect(await page.locator('main').textContent()).toContain('REST API');
    await context.close();
  });
});
