import { verifyWebhook } from '@upstate/notifier';
import { subscribe } from '@upstate/services/subscribers/subscribe';
import type { Store } from '@upstate/store';
import type { Hono } from 'hono';

export const demoWebhookPath = '/demo-webhook';
export const demoReaderEmail = 'reader@demo.localhost';
const seeder = { author: { kind: 'system' as const, id: 'demo-seed', label: 'Demo seed' } };

/** The demo's subscribers: a confirmed email reader and a webhook to the local receiver below. */
export async function seedDemoSubscribers(options: {
  store: Store;
  tenantId: string;
  apiBase: string;
  linkSecret: string;
}) {
  const deps = {
    store: options.store,
    publishTrigger: { requestPublish: async () => {} },
    now: () => new Date(),
    log: () => {},
  };
  await subscribe(deps, {
    tenantId: options.tenantId,
    channel: 'email',
    target: demoReaderEmail,
    confirmed: true,
    linkSecret: options.linkSecret,
    by: seeder,
  });
  await subscribe(deps, {
    tenantId: options.tenantId,
    channel: 'webhook',
    target: `${options.apiBase}${demoWebhookPath}`,
    confirmed: true,
    linkSecret: options.linkSecret,
    allowHttp: true,
    by: seeder,
  });
}

/**
 * A small webhook receiver on the local API: it checks the signature with the subscription's secret
 * (looked up in the store, which a real receiver would keep in its own config) and logs what it got.
 */
export function mountDemoReceiver(
  app: Hono,
  options: { store: Store; tenantId: () => string | undefined; apiBase: string; say: (line: string) => void },
) {
  app.post(demoWebhookPath, async (c) => {
    const body = await c.req.text();
    const tenantId = options.tenantId();
    const subscriber = tenantId
      ? await options.store.subscribers.getByTarget(tenantId, 'webhook', `${options.apiBase}${demoWebhookPath}`)
      : undefined;
    const ok = Boolean(
      subscriber?.secret &&
        verifyWebhook(
          subscriber.secret,
          { signature: c.req.header('x-upstate-signature'), timestamp: c.req.header('x-upstate-timestamp') },
          body,
        ),
    );
    const incident = (JSON.parse(body) as { incident?: { name?: string; status?: string } }).incident;
    options.say(
      `  ${new Date().toISOString().slice(11, 19)} webhook received: ${incident?.name ?? '?'} (${incident?.status ?? '?'}), signature ${ok ? 'valid' : 'INVALID'}`,
    );
    return ok ? c.body(null, 204) : c.text('bad signature', 401);
  });
}
