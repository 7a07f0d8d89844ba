// Bundled into the theme's server build (dist/server/entry.mjs).
import { createApp } from 'astro/app/entrypoint';

const app = createApp();

/** Renders one page of a tenant's site. The snapshot reaches pages as `Astro.locals.snapshot`. */
export async function render(request: Request, snapshot: unknown): Promise<Response> {
  return app.render(request, { locals: { snapshot } });
}
