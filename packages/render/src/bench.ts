// Theme compile time, ms per page and ms per whole tenant site (medians of 5 runs).
// Run: pnpm --filter @upstate/render bench
import { fixtureSnapshot } from '@upstate/core/fixtures';
import { compileTheme, themeNames } from './compile.ts';
import { loadTheme, renderPage, renderSite, sitePages } from './site.ts';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
const runs = 5;
for (const name of themeNames) {
  const compile: number[] = [];
  for (let i = 0; i < 3; i++) compile.push((await compileTheme(name)).ms);
  const theme = await loadTheme(name);
  const snapshot = fixtureSnapshot({ components: 10, activeIncidents: 3, resolvedIncidents: 20 });
  snapshot.branding.theme = name;
  await renderSite(snapshot, { theme });
  const site: number[] = [];
  const page: number[] = [];
  const pages = sitePages(snapshot);
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const files = await renderSite(snapshot, { theme });
    site.push(performance.now() - t);
    t = performance.now();
    for (const p of pages) await renderPage(snapshot, p, theme);
    page.push((performance.now() - t) / pages.length);
    if (!files.length) throw new Error('nothing rendered');
  }
  console.log(
    `${name}: compile ${median(compile).toFixed(0)} ms (median of 3) · ${median(page).toFixed(2)} ms/page · ${median(site).toFixed(1)} ms per site of ${pages.length} pages + feeds/JSON (median of ${runs})`,
  );
}
process.exit(0);
