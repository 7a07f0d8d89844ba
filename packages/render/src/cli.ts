// `node packages/render/src/cli.ts compile` — compile every theme and enforce the size budget.
// `node packages/render/src/cli.ts static <theme> <snapshot.json> <outDir>` — the full static
// `astro build` of one tenant (the fallback path; it must equal the fast render).

import type { ThemeName } from '@upstate/core';
import { checkBudget } from './budget.ts';
import { compileTheme, themeNames } from './compile.ts';
import { embedSize } from './embed.ts';

const [command, ...args] = process.argv.slice(2);
if (command === 'compile') {
  const embed = embedSize();
  console.log(embed.message);
  if (!embed.ok) process.exit(1);
  for (const name of themeNames) {
    const { ms } = await compileTheme(name);
    const budget = await checkBudget(name);
    console.log(`compiled ${name} in ${Math.round(ms)} ms; ${budget.message}`);
    if (!budget.ok) process.exit(1);
  }
} else if (command === 'static') {
  const [theme, snapshot, outDir] = args;
  if (!theme || !snapshot || !outDir) throw new Error('usage: static <theme> <snapshot.json> <outDir>');
  await compileTheme(theme as ThemeName, { UPSTATE_STATIC: '1', UPSTATE_SNAPSHOT: snapshot, UPSTATE_OUT_DIR: outDir });
  console.log(`static site written to ${outDir}`);
} else {
  console.error('usage: cli.ts compile | static <theme> <snapshot.json> <outDir>');
  process.exit(2);
}
