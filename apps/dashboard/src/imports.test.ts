import { recordedSource, statuspageRecording } from '@upstate/services/imports/recording';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHarness, fieldError, type Harness } from '../test/harness.ts';

// The import page without JavaScript: a form, then a page that refreshes itself until the job ends.

const recording = statuspageRecording({ incidents: 20, maintenances: 2, seed: 11 });
let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    imports: { vet: async () => {}, source: (root) => recordedSource(root, recording) },
  });
});

describe('the import page', () => {
  it('starts an import from the form and shows its progress until it completes', async () => {
    const b = h.browser();
    await b.signup(h.uniqueSlug('imp'));
    const form = await b.get('/dashboard/imports');
    expect(form.status).toBe(200);
    expect(form.html).toContain('aria-current="page">Import</a>');
    expect(form.html).toMatch(/<label for="f-url">Statuspage page address/);

    const started = await b.post('/dashboard/imports', { url: 'https://status.acme-cloud.example' });
    expect(started.status).toBe(303);
    const jobPath = started.location ?? '';
    expect(jobPath).toMatch(/^\/dashboard\/imports\/[0-9A-Z]{26}$/);

    let view = await b.get(jobPath);
    expect(view.html).toContain('<progress class="progress-bar" id="import-progress"');
    for (let i = 0; i < 100 && view.headers.get('refresh') === '2'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      view = await b.get(jobPath);
    }
    expect(view.headers.get('refresh')).toBeNull();
    expect(view.html).toContain('Finished');
    expect(view.html).toMatch(
      /<progress class="progress-bar" id="import-progress" max="36" value="36">100%<\/progress>/,
    );
    expect(view.html).toContain('<td>20</td>');

    const list = await b.get('/dashboard/imports');
    expect(list.html).toContain('36 created, 0 updated, 0 unchanged');
  });

  it('shows the API’s reason next to the field for a refused address', async () => {
    const b = h.browser();
    await b.signup(h.uniqueSlug('imp'));
    await b.get('/dashboard/imports');
    const res = await b.post('/dashboard/imports', { url: 'http://status.acme-cloud.example' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'url')).toContain('https');
  });

  it('answers 404 for another tenant’s import', async () => {
    const b = h.browser();
    await b.signup(h.uniqueSlug('imp'));
    expect((await b.get('/dashboard/imports/01JDZ3K7Q8W4N5R6T7Y8V9B0C1')).status).toBe(404);
  });
});
