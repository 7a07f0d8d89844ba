import { app, store } from '@upstate/api/lambda';
import { handle } from 'hono/aws-lambda';
import { createDashboard } from './app.ts';

// The deployed API function: the management API with the dashboard mounted on it, exactly as the
// local platform mounts it. One function rather than two behind the HTTP API, because the dashboard
// calls the API app in-process (`api.request`) as the signed-in user: a second function would carry
// the whole API anyway, pay a second cold start, and split one origin's cookie and CSRF across two.
app.route('/dashboard', createDashboard({ api: app, store, config: { basePath: '/dashboard' } }));
// `app.{platform}` is the dashboard's own host name; its root is the dashboard.
app.get('/', (c) => (c.req.header('host')?.startsWith('app.') ? c.redirect('/dashboard') : c.redirect('/docs')));

/** API Gateway HTTP API (payload v2) entry point of the API and dashboard. */
export const handler = handle(app);

/** Scheduled (every 5 minutes): the provisioning reconciler, on the API's code and store. */
export { reconcileProvisioning } from '@upstate/api/lambda';
