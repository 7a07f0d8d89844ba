import type { Hono } from 'hono';

// TEMPORARY: @upstate/dashboard is being built at the same time as this app; it is loaded by name
// so `npm start` runs before it lands, and reports its absence instead of failing.
export async function loadDashboard(
  options: { api: unknown; store: unknown; config: unknown },
  warn: (message: string) => void,
): Promise<Hono | undefined> {
  const specifier = '@upstate/dashboard';
  try {
    const mod = (await import(specifier)) as { createDashboard?(o: unknown): Hono };
    return mod.createDashboard?.(options);
  } catch (error) {
    warn(`the dashboard is not available yet (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
}
