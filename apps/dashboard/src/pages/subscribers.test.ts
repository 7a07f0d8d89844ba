import { beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('the subscribers page', () => {
  it('adds a webhook showing its secret once, lists it escaped, and removes it', async () => {
    // Prepare
    const b = h.browser();
    const slug = h.uniqueSlug('subs');
    await b.signup(slug);
    await b.get('/dashboard/subscribers');

    // Act
    const added = await b.post('/dashboard/subscribers', {
      channel: 'webhook',
      target: 'https://hooks.example.com/x?a=<b>',
    });

    // Assess
    expect(added.status).toBe(201);
    expect(added.html).toMatch(/whsec_[0-9a-f]{48}/);
    expect(added.html).toContain('https://hooks.example.com/x?a=%3Cb%3E');
    expect(added.html).not.toContain('a=<b>');
    const again = await b.get('/dashboard/subscribers');
    expect(again.html).not.toMatch(/whsec_/);
    expect(again.html).toContain('1 subscribers: 1 confirmed');

    const bad = await b.post('/dashboard/subscribers', { channel: 'email', target: 'not-an-address' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('valid email address');

    const tenantId = (await h.store.tenants.getBySlug(slug))?.tenant.id ?? '';
    const [webhook] = (await h.store.subscribers.list(tenantId)).items;
    const removed = await b.post(`/dashboard/subscribers/${webhook?.id}/delete`, {});
    expect(removed.status).toBe(303);
    expect((await h.store.subscribers.list(tenantId)).items).toEqual([]);
  });
});
