import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  mailedLink as mailedLinkOf,
  poll,
  screenshotsDir,
  signUpInDashboard,
  startTestPlatform,
  type TestPlatform,
} from './support.ts';

// Issue 16's journey on a started platform: account email goes through the SES stand-in, the
// editor follows the link from its mailbox, and the incident is checked on the public page the
// edge serves after the real publisher rendered it.

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

const mailedLink = (to: string, path: string) => mailedLinkOf(t.platform, to, path);
const signUp = (page: Page, slug: string) =>
  signUpInDashboard(t, page, { slug, email: `${slug}@example.com`, name: 'Team Journey Co' });

describe('a team on the local platform', () => {
  it('owner invites an editor, who joins from the mailbox, posts an incident, cannot brand, and is removed', async () => {
    const contexts: BrowserContext[] = [];
    const context = async () => {
      const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(c);
      return c;
    };
    const owner = await (await context()).newPage();
    const slug = `team-${Date.now().toString(36)}`;
    await signUp(owner, slug);

    // 1. The owner invites an editor.
    const editorEmail = `editor-${slug}@example.com`;
    await owner.goto(dashboard('/team'));
    await owner.getByLabel('Email', { exact: true }).fill(editorEmail);
    await owner.getByLabel('Role', { exact: true }).selectOption('editor');
    await owner.getByRole('button', { name: 'Send invite' }).click();
    await owner.getByText('Invite sent.').waitFor();

    // 2. The editor accepts from the link in the SES stand-in's mailbox and sets a password.
    const editor = await (await context()).newPage();
    await editor.goto(await mailedLink(editorEmail, '/invite'));
    await editor.getByRole('heading', { name: 'Join Team Journey Co' }).waitFor();
    await editor.getByLabel('Choose a password').fill('editor password 1');
    await editor.getByRole('button', { name: 'Join the team' }).click();
    await editor.getByText('Welcome to the team.').waitFor();
    expect(await editor.getByText('Your role: editor').count()).toBe(1);

    // 3. The editor posts an incident: on the public page, and named in the audit log.
    await editor.goto(dashboard('/incidents/new'));
    await editor.getByLabel('Title').fill('Editor reported outage');
    await editor.getByLabel('Message to your customers').fill('We are looking into slow logins.');
    await editor.getByRole('button', { name: 'Open incident' }).click();
    await editor.getByRole('heading', { level: 1, name: 'Editor reported outage' }).waitFor();
    const publicPage = await (await context()).newPage();
    const liveUrl = `http://${slug}.localhost:${t.ports.edge}/`;
    await poll(
      async () => {
        const res = await publicPage.goto(liveUrl, { waitUntil: 'load' });
        const html = await publicPage.content();
        return res?.status() === 200 && html.includes('Editor reported outage') ? html : undefined;
      },
      'the editor’s incident on the public page',
      45_000,
    );
    await owner.goto(dashboard('/audit'));
    await owner.getByLabel('Member').selectOption({ label: editorEmail });
    await owner.getByRole('button', { name: 'Filter' }).click();
    const created = owner.getByRole('row').filter({ hasText: 'incident.created' });
    await created.first().waitFor();
    expect(await created.first().textContent()).toContain(editorEmail);
    const rows = await owner.locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(editorEmail);
    await owner.screenshot({ path: `${screenshotsDir}/team-audit-by-member.png`, fullPage: true });

    // 4. The editor cannot change branding, and is told why.
    await editor.goto(dashboard('/branding'));
    await editor.getByLabel('Brand colour', { exact: true }).fill('#0f766e');
    await editor.getByRole('button', { name: 'Save branding' }).click();
    const alert = editor.locator('[data-error-summary]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Your role \(editor\) may not change settings, branding/);
    await editor.screenshot({ path: `${screenshotsDir}/team-editor-branding-refused.png`, fullPage: true });

    // 5. The owner removes the editor; the editor's next request is refused.
    await owner.goto(dashboard('/team'));
    owner.once('dialog', (dialog) => dialog.accept());
    await owner
      .getByRole('row')
      .filter({ hasText: editorEmail })
      .getByRole('button', { name: /Remove/ })
      .click();
    await owner.getByText('Member removed.').waitFor();
    const next = await editor.goto(dashboard('/incidents'));
    expect(editor.url()).toContain('/dashboard/login');
    expect(next?.status()).toBe(200);
    const api = await editor.request.get(`http://localhost:${t.ports.api}/v1/incidents`);
    expect(api.status()).toBe(401);

    for (const c of contexts) await c.close();
  }, 300_000);
});
