import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, httpGet, launchChromium, poll, screenshotsDir, startTestPlatform, type TestPlatform } from './support.ts';

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

const reader = `reader-${Date.now().toString(36)}@example.com`;
const mailTo = async (address: string) => (await t.platform.mail.messages()).filter((m) => m.to.includes(address));

describe('a reader subscribes on the page, confirms by email, hears once, unsubscribes in one click', () => {
  it('works end to end in Chromium with no JavaScript on our pages', async () => {
    // Subscribe on the static page: a plain form posting to the platform API.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`http://demo.localhost:${t.ports.edge}/`);
    await page.getByRole('link', { name: 'Subscribe', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/subscribe/');
    await page.getByLabel('Email address').fill(reader);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    await page.screenshot({ path: join(screenshotsDir, 'subscribe-answer.png'), fullPage: true });

    // The confirmation email carries the confirm link; nothing else reaches the address before it is followed.
    const [confirmation] = await poll(async () => {
      const mail = await mailTo(reader);
      return mail.length ? mail : undefined;
    }, 'the confirmation email');
    expect(confirmation?.subject).toMatch(/^Confirm your subscription/);
    const confirmUrl = confirmation?.text.match(/Confirm the subscription: (\S+)/)?.[1] as string;
    await page.goto(confirmUrl);
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You are subscribed');

    // An update through the API: exactly one email, sent only once the page shows the incident.
    const created = await api(t.platform, t.ports.api, 'POST', '/v1/incidents', {
      name: 'Search is slow',
      impact: 'minor',
      body: 'Search takes **seconds**. We are looking into it.',
      components: [{ componentId: t.platform.demo.apiComponentId, status: 'degraded_performance' }],
    });
    expect(created.status).toBe(201);
    const incidentPath = `/incidents/${created.json.id}/`;
    const [notice] = await poll(async () => {
      const mail = (await mailTo(reader)).filter((m) => m.subject.includes('Search is slow'));
      return mail.length ? mail : undefined;
    }, 'the incident email');
    const shown = await httpGet(t.ports.edge, `demo.localhost:${t.ports.edge}`, incidentPath);
    expect(shown.status).toBe(200);
    const entryKey = `incident_update#${(created.json.updates as { id: string }[])[0]?.id}`;
    const publish = await t.platform.store.publish.get(t.platform.demo.tenantId);
    const deliveries = await api(
      t.platform,
      t.ports.api,
      'GET',
      `/v1/notifications/${encodeURIComponent(entryKey)}/deliveries`,
    );
    const mine = (deliveries.json.data as { channel: string; state: string; queuedAt: string }[]).filter(
      (d) => d.channel === 'email' && d.state === 'sent',
    );
    expect(mine.length).toBeGreaterThanOrEqual(1);
    // Claimed after the commit that put the incident on the page.
    for (const d of mine) expect(d.queuedAt >= (publish.lastPublishedAt as string).slice(0, 19)).toBe(true);
    expect(notice?.html).toContain('<strong>seconds</strong>');
    expect(notice?.html).toContain(incidentPath);
    await t.platform.idle();
    expect((await mailTo(reader)).filter((m) => m.subject.includes('Search is slow'))).toHaveLength(1);

    // One-click unsubscribe, as a mail client does it (RFC 8058): a POST to the List-Unsubscribe URL.
    const oneClick = notice?.headers['list-unsubscribe']?.slice(1, -1) as string;
    expect(notice?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const res = await fetch(oneClick.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    const listed = await api(t.platform, t.ports.api, 'GET', `/v1/subscribers?target=${encodeURIComponent(reader)}`);
    expect(listed.json.data).toEqual([]);

    // Post again: nothing more reaches the address.
    const again = await api(t.platform, t.ports.api, 'POST', `/v1/incidents/${created.json.id}/updates`, {
      status: 'identified',
      body: 'An index was missing; rebuilding it.',
    });
    expect(again.status).toBe(201);
    await poll(async () => {
      const mail = (await t.platform.mail.messages()).filter((m) => m.subject.includes('Identified'));
      return mail.length ? mail : undefined;
    }, 'the second update reaching the demo reader');
    await t.platform.idle();
    expect(await mailTo(reader)).toHaveLength(2);
    await context.close();
  });

  it('never puts a subscriber address on the page or in its public JSON', async () => {
    for (const path of ['/', '/subscribe/', '/api/v2/summary.json', '/api/v2/incidents.json', '/feed.rss']) {
      const res = await httpGet(t.ports.edge, `demo.localhost:${t.ports.edge}`, path);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain('@demo.localhost');
      expect(res.body).not.toContain(reader);
    }
  });
});
