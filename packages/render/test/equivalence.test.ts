import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { describe, expect, it } from 'vitest';
import { compileTheme } from '../src/compile.ts';
import { renderSite } from '../src/site.ts';

// A full static `astro build` of one tenant must give the same HTML as the fast render path.
describe.each(['default', 'compact', 'fixture'] as const)('theme %s: static build equals fast render', (theme) => {
  it('matches page for page', async () => {
    const snapshot = fixtureSnapshot();
    snapshot.branding.theme = theme as 'default';
    const dir = mkdtempSync(join(tmpdir(), `upstate-static-${theme}-`));
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const outDir = join(dir, 'out');
    await compileTheme(theme, { UPSTATE_STATIC: '1', UPSTATE_SNAPSHOT: file, UPSTATE_OUT_DIR: outDir });
    const files = await renderSite(snapshot);
    const html = files.filter((f) => f.path.endsWith('.html'));
    expect(html.length).toBeGreaterThanOrEqual(10);
    for (const f of html) {
      const staticHtml = readFileSync(join(outDir, f.path), 'utf8');
      expect({ path: f.path, html: staticHtml }).toEqual({ path: f.path, html: new TextDecoder().decode(f.body) });
    }
  });
});
