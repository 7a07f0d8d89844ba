import { readObject } from '@upstate/aws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, launchChromium, poll, signUpInDashboard, startTestPlatform, type TestPlatform } from './support.ts';

// Issue 16, tenant deletion on the started platform: the real publisher puts the page on s3rver, the
// edge serves it; after the owner deletes the tenant from the dashboard, the edge answers 404, the
// objects are gone, another tenant's page still serves, and the page address can be signed up again.

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
const signUp = (page: Page, slug: string, email: string) =>
  signUpInDashboard(t, page, { slug, email, name: 'Short Lived Co' });

const stored = async (key: string) => (await readObject(t.platform.s3.client, t.platform.s3.bucket, key)) !== null;
const pageStatus = async (slug: string) => (await httpGet(t.ports.edge, `${slug}.localhost`, '/')).status;

describe('deleting a tenant on the local platform', () => {
  it('takes its page off the edge and the bucket, leaves the demo page, and frees the address', async () => {
    const page = await (await browser.newContext()).newPage();
    const slug = `gone-${Date.now().toString(36)}`;
    await signUp(page, slug, `${slug}@example.com`);
    await poll(
      async () => ((await pageStatus(slug)) === 200 ? true : undefined),
      'the new page to be published',
      60_000,
    );
    const tenantId = (await t.platform.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    expect(tenantId).not.toBe('');
    expect(await stored(`sites/${tenantId}/index.html`)).toBe(true);
    expect(await stored(`manifests/${tenantId}.json`)).toBe(true);

    await page.goto(dashboard('/settings'));
    await page.getByLabel(`Type the page address “${slug}” to confirm`).fill(slug);
    await page.getByRole('button', { name: 'Delete this page for good' }).click();
    await page.getByText('The status page is deleted and you are signed out.').waitFor();

    // The edge remembers a host for at most 5 s; the cached page itself was invalidated.
    await poll(async () => ((await pageStatus(slug)) === 404 ? true : undefined), 'the deleted page to 404', 15_000);
    expect(await t.platform.store.tenants.getBySlug(slug)).toBeUndefined();
    expect(await stored(`sites/${tenantId}/index.html`)).toBe(false);
    expect(await stored(`sites/${tenantId}/api/v2/summary.json`)).toBe(false);
    expect(await stored(`manifests/${tenantId}.json`)).toBe(false);
    expect(await stored(`sites/${t.platform.demo.tenantId}/index.html`)).toBe(true);
    expect(await pageStatus(t.platform.demo.slug)).toBe(200);

    const again = await (await browser.newContext()).newPage();
    await signUp(again, slug, `new-${slug}@example.com`);
    const reborn = await t.platform.store.tenants.getBySlug(slug);
    expect(reborn?.tenant.id).toBeDefined();
    expect(reborn?.tenant.id).not.toBe(tenantId);
  }, 240_000);
});
