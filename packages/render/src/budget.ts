import { gzipSync } from 'node:zlib';
import type { TenantSnapshot } from '@upstate/core';
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { loadTheme, renderSite } from './site.ts';

/** index.html + its CSS, gzipped, for 10 components, 3 active incidents and 90 days of data. */
export const budgetBytes = 20 * 1024;

export async function checkBudget(
  name: string,
): Promise<{ ok: boolean; bytes: number; jsBytes: number; message: string }> {
  const snapshot = fixtureSnapshot({ components: 10, activeIncidents: 3, days: 90 });
  snapshot.branding.theme = name as TenantSnapshot['branding']['theme'];
  const files = await renderSite(snapshot, { theme: await loadTheme(name) });
  const index = files.find((f) => f.path === 'index.html');
  if (!index) throw new Error('no index.html rendered');
  const html = new TextDecoder().decode(index.body);
  const cssPaths = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]);
  const css = files.filter((f) => cssPaths.includes(f.path));
  const bytes = gzipSync(index.body).length + css.reduce((sum, f) => sum + gzipSync(f.body).length, 0);
  const jsBytes =
    // The embed script is for other sites to load (embed.ts has its own budget); no page loads it.
    files
      .filter((f) => /\.m?js$/.test(f.path) && f.path !== 'embed/script.js')
      .reduce((sum, f) => sum + f.body.length, 0) + (/<script/i.test(html) ? 1 : 0);
  const ok = bytes <= budgetBytes && jsBytes === 0;
  return {
    ok,
    bytes,
    jsBytes,
    message: `theme ${name}: index.html + CSS = ${bytes} bytes gzipped (budget ${budgetBytes}), ${jsBytes} bytes of JS${ok ? '' : ' — OVER BUDGET'}`,
  };
}
