import { checkBudget } from '../src/budget.ts';
import { compileTheme, themeNames } from '../src/compile.ts';

// Every test run compiles both themes from source, then enforces the size budget.
export default async function setup() {
  for (const name of themeNames) await compileTheme(name);
  for (const name of themeNames) {
    const result = await checkBudget(name);
    if (!result.ok) throw new Error(result.message);
  }
}
