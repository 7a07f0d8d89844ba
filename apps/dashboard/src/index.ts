export { createDashboard } from './app.ts';
export type { DashboardConfig, DashboardDeps } from './kit.ts';
