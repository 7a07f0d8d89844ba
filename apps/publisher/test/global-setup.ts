import { compileTheme } from '@upstate/render';

// Compiled once per test run, as packages/render does: publishes render through the built theme.
export default async function setup() {
  await compileTheme('default');
}
