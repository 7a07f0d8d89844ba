import { checkBudget } from '../src/budget.ts';
import { ensureTheme, themeNames } from '../src/compile.ts';
import { embedSize } from '../src/embed.ts';

// Compiles both themes from source unless their build already matches the sources (a clean
// checkout always compiles), then enforces the size budget.
export default async function setup() {
  // The fixture theme (test/theme-fixture) too: test files running side by side must not race to build it.
  for (const name of [...themeNames, 'fixture']) await ensureTheme(name);
  for (const name of themeNames) {
    const result = await checkBudget(name);
    if (!result.ok) throw new Error(result.message);
  }
  // The embed's gzipped size, in the test output as in `cli.ts compile`.
  const embed = embedSize();
  console.log(embed.message);
  if (!embed.ok) throw new Error(embed.message);
}
