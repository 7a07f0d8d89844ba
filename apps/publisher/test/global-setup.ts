import { ensureTheme } from '@upstate/render';

// Publishes render through the built default theme: compiled once (and only when its sources
// changed), under the render package's lock, so parallel test runs never race one astro build.
export default async function setup() {
  await ensureTheme('default');
}
