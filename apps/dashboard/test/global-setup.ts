import { ensureThemes } from '@upstate/render';

// The branding preview renders through the compiled themes; compiling is slow, so it happens once
// here (and not at all when the build already matches the sources).
export default async function setup() {
  await ensureThemes();
}
