import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { ApiConfig, DnsResolver } from '@upstate/api';
import { startApiServer } from '@upstate/api/node';
import { createSesMailer, createSiteTakedown } from '@upstate/aws';
import { type MailboxMessage, startS3rver, startSesLocal } from '@upstate/aws/testing';
import { createChecker } from '@upstate/checker';
import { AppError, type Mailer } from '@upstate/core';
import { createDashboard } from '@upstate/dashboard';
import { createEdge } from '@upstate/edge';
import { createLocalNotifier, createSenders } from '@upstate/notifier';
import { createLocalPublisher, type Renderer } from '@upstate/publisher';
import { ensureTheme, themeNames } from '@upstate/render';
import { confirmationEmail } from '@upstate/render/email';
import { republishAll } from '@upstate/services/page/republish';
import { resumeTenantDeletions } from '@upstate/services/tenant/delete';
import { createStore, ensureTable, type Store } from '@upstate/store';
import { createDynamoClient, startDynalite } from '@upstate/store/testing';
import { claimDataDir, pidFile } from './data-dir.ts';
import { mountDemoReceiver, seedDemoSubscribers } from './demo-subscribers.ts';
import { listenEdge, withApiOrigin } from './edge-forward.ts';
import { assertPortFree } from './ports.ts';
import { type DemoCredentials, reissueDemoKey, seedDemo } from './seed.ts';

export interface PlatformOptions {
  /** dynalite, s3rver and the demo credentials live here. */
  dataDir: string;
  /** `mail` is the SES stand-in and its web mailbox (a free port when not given). */
  ports: { api: number; edge: number; mail?: number };
  /** Delete everything in `dataDir` first. */
  reset?: boolean;
  /** Seed the demo tenant when it does not exist yet (default true). */
  seed?: boolean;
  /** No progress lines. */
  quiet?: boolean;
  /** Progress sink (default: stdout). */
  progress?: (line: string) => void;
  /** TXT lookups for custom-domain verification (default: the system resolver). */
  dnsResolver?: DnsResolver;
  timers?: { checkMs?: number; reconcileMs?: number; rolloverMs?: number };
  /** API settings over the local defaults (tests: e.g. a monitor cap that makes the seed fail). */
  apiConfig?: Partial<ApiConfig>;
  /** Renders a tenant's site (default: the compiled themes); the bench wraps it to count renders. */
  renderer?: Renderer;
}

export interface Platform {
  urls: { api: string; docs: string; dashboard: string; edge: string; demo: string; mailbox: string };
  demo: DemoCredentials;
  store: Store;
  /** The S3 stand-in (s3rver) and the bucket the pages are published to. */
  s3: { client: S3Client; endpoint: string; bucket: string };
  /** The SES stand-in (aws-ses-v2-local): the mailer every sender uses, and what its mailbox holds. */
  mail: { client: SESv2Client; mailer: Mailer; endpoint: string; messages(): Promise<MailboxMessage[]> };
  /** True when this start created the demo tenant. */
  seeded: boolean;
  /** Problems found while starting that did not stop it (e.g. the demo page failed to publish). */
  warnings: string[];
  /** Waits until every requested publish has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const tableName = 'upstate';
const bucket = 'upstate-sites';
/** Present while the demo is being seeded; says whether the folder held anything else. */
const seedingMarker = 'seeding.json';

/**
 * Runs the whole platform in this process with the embedded stand-ins, seeds the demo tenant on
 * the first start, and resolves once the demo page is published.
 * @example const p = await startPlatform({ dataDir: '.upstate', ports: { api: 3000, edge: 8080 } })
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const say = options.quiet ? () => {} : (options.progress ?? ((line: string) => process.stdout.write(`${line}\n`)));
  const step = async <T>(label: string, run: () => Promise<T>, detail?: (value: T) => string): Promise<T> => {
    const started = performance.now();
    const value = await run();
    const ms = performance.now() - started;
    const extra = detail?.(value);
    say(
      `  ✓ ${label}${extra ? ` ${extra}` : ''} (${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`})`,
    );
    return value;
  };
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // Shutting down: keep closing the rest.
      }
    }
  };
  const warnings: string[] = [];

  try {
    // Before anything slow: a taken port is the most common failure, so name it at once.
    await assertPortFree(options.ports.api, 'API', 'UPSTATE_API_PORT');
    await assertPortFree(options.ports.edge, 'edge server', 'UPSTATE_EDGE_PORT');
    if (options.ports.mail) await assertPortFree(options.ports.mail, 'mailbox (SES)', 'UPSTATE_MAIL_PORT');

    const { dataDir } = options;
    mkdirSync(dataDir, { recursive: true });
    claimDataDir(dataDir);
    closers.push(() => rmSync(join(dataDir, pidFile), { force: true }));
    const clear = () => {
      for (const entry of readdirSync(dataDir)) {
        if (entry !== pidFile) rmSync(join(dataDir, entry), { recursive: true, force: true });
      }
    };
    // The demo seed is all-or-nothing: a seed that stopped halfway (error, crash, Ctrl-C) into a
    // folder that held nothing else is cleared, and seeded again from scratch below.
    const seedingFile = join(dataDir, seedingMarker);
    const halfSeeded = existsSync(seedingFile)
      ? (JSON.parse(readFileSync(seedingFile, 'utf8')) as { fresh?: boolean })
      : undefined;
    if (options.reset) {
      clear();
      say('  ✓ cleared the data folder (--reset)');
    } else if (halfSeeded?.fresh) {
      clear();
      say('  ✓ cleared a demo seed that stopped halfway; seeding it again');
    } else if (halfSeeded) {
      warnings.push(
        `the demo seed stopped halfway in a folder that holds other data; it was kept (--reset starts over)`,
      );
      rmSync(seedingFile, { force: true });
    }
    for (const sub of ['dynamodb', 's3']) mkdirSync(join(dataDir, sub), { recursive: true });
    const demoFile = join(dataDir, 'demo.json');

    const dynamo = await step('DynamoDB (dynalite)', async () => {
      const server = await startDynalite({ path: join(dataDir, 'dynamodb') });
      closers.push(() => server.close());
      const client = createDynamoClient(server.endpoint);
      closers.push(() => client.destroy());
      await ensureTable(client, tableName);
      return { client };
    });
    const store = createStore({ client: dynamo.client, tableName });

    const s3 = await step('S3 (s3rver)', async () => {
      const server = await startS3rver({ directory: join(dataDir, 's3'), bucket });
      closers.push(() => server.close());
      return server;
    });

    // The stand-in keeps mail in memory: a restart starts with an empty mailbox.
    const mail = await step('SES (aws-ses-v2-local)', async () => {
      const server = await startSesLocal(options.ports.mail ? { port: options.ports.mail } : {});
      closers.push(() => server.close());
      return { ...server, mailer: createSesMailer({ client: server.client }) };
    });

    let themesChanged = false;
    for (const name of themeNames) {
      const label = `theme ${name}`;
      const started = performance.now();
      const timer = setTimeout(() => say(`  … ${label}: compiling (first run, or after the theme changed)`), 300);
      const result = await ensureTheme(name).finally(() => clearTimeout(timer));
      const ms = performance.now() - started;
      themesChanged ||= result.compiled;
      say(
        result.compiled
          ? `  ✓ ${label} compiled (${(ms / 1000).toFixed(1)} s)`
          : `  ✓ ${label} ready (${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`})`,
      );
    }

    const platformDomain = 'localhost';
    const pageHost = `${platformDomain}:${options.ports.edge}`;
    const edge = createEdge({
      s3: s3.client,
      bucket,
      store,
      platformDomain,
      formAction: `http://localhost:${options.ports.api}`,
    });
    let live = false;
    const log = (message: string, detail: Record<string, unknown> = {}) => {
      if (/fail/i.test(message)) console.error(`  ! ${message} ${JSON.stringify(detail)}`);
      else if (live && message === 'published')
        say(
          `  ${new Date().toISOString().slice(11, 19)} published ${detail.tenantId === demo?.tenantId ? demo?.slug : detail.tenantId} v${detail.version}`,
        );
    };
    const apiBase = `http://localhost:${options.ports.api}`;
    // One secret for the links in every email: the API and the notifier derive the same tokens.
    const linkSecret = 'upstate-local-link-secret';
    const notifier = createLocalNotifier({
      store,
      s3: s3.client,
      bucket,
      senders: createSenders({
        mailer: mail.mailer,
        // Local mode: the demo webhook receiver listens on loopback.
        policy: {
          allowPrivateTargets: true,
          resolveHost: async (host) =>
            (await (await import('node:dns/promises')).lookup(host, { all: true })).map((a) => a.address),
        },
      }),
      links: { apiBase, linkSecret },
      mailDomain: platformDomain,
      log,
    });
    // On the way down, let a running fan-out finish (bounded) before the stores close under it.
    closers.push(async () => {
      await Promise.race([notifier.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await notifier.close();
    });
    const publisher = createLocalPublisher({
      store,
      s3: s3.client,
      bucket,
      invalidator: edge.invalidator,
      site: { scheme: 'http', platformDomain: pageHost, apiBase },
      notifyTrigger: notifier.trigger,
      log,
      ...(options.renderer ? { renderer: options.renderer } : {}),
    });
    // On the way down, let a running publish finish (bounded) before the stores close under it: an
    // aborted execution's task could still write to a closed dynalite or s3rver.
    closers.push(async () => {
      await Promise.race([publisher.idle(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await publisher.close();
    });
    const apiConfig = {
      platformDomain: pageHost,
      pageScheme: 'http' as const,
      cookieSecure: false,
      localMode: true,
      dashboardUrl: `http://localhost:${options.ports.api}/dashboard`,
      mailFrom: 'Upstate <accounts@upstate.localhost>',
    };
    // A deleted tenant's page comes out of the bucket and the edge's cache, as S3 and CloudFront on AWS.
    const siteTakedown = createSiteTakedown({ s3: s3.client, bucket, invalidator: edge.invalidator });
    const monitorTarget = `http://127.0.0.1:${options.ports.api}/demo-target/health`;
    const dnsResolver: DnsResolver = options.dnsResolver ?? (await import('node:dns/promises'));

    const api = await step('API', async () => {
      const server = await startApiServer({
        port: options.ports.api,
        deps: {
          store,
          publishTrigger: publisher.trigger,
          dnsResolver,
          siteTakedown,
          config: { ...apiConfig, ...options.apiConfig },
          mailer: mail.mailer,
          subscriptions: {
            linkSecret,
            apiBase,
            async sendConfirmation(input) {
              await mail.mailer.send(
                confirmationEmail({ ...input, mailDomain: platformDomain }, input.to, input.confirmUrl),
              );
            },
          },
        },
        extend: (app) => {
          // A small target for the demo monitor, so the checker has something real to probe.
          app.get('/demo-target/health', (c) => c.text('ok\n'));
          mountDemoReceiver(app as unknown as import('hono').Hono, {
            store,
            tenantId: () => demo?.tenantId,
            apiBase,
            say: (line) => live && say(line),
          });
          app.get('/', (c) => c.redirect('/docs'));
        },
      });
      closers.push(() => server.close());
      return server;
    });
    api.app.route(
      '/dashboard',
      createDashboard({
        api: api.app,
        store,
        config: { basePath: '/dashboard', pageBaseUrl: (slug) => `http://${slug}.${pageHost}` },
      }),
    );

    // Like CloudFront's behaviours: the Statuspage subscribe call on a page host goes to the API.
    const edgeFetch = withApiOrigin(edge.fetch, async (request) => api.app.fetch(request), apiBase);
    const edgeServer = await step('edge server (local CloudFront)', () => listenEdge(edgeFetch, options.ports.edge));
    closers.push(() => edgeServer.close());

    let demo: DemoCredentials | undefined;
    if (existsSync(demoFile)) {
      const saved = JSON.parse(readFileSync(demoFile, 'utf8')) as DemoCredentials;
      if (await store.tenants.get(saved.tenantId)) demo = saved;
    }
    if (!demo && existsSync(demoFile) === false && (await store.tenants.getBySlug('demo'))) {
      // The data survived but the credentials file did not: issue a new key rather than fail.
      demo = await reissueDemoKey(store);
      writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
      warnings.push(
        `${demoFile} was missing: issued a new demo API key (the dashboard password is unknown; --reset starts over)`,
      );
    }
    let seeded = false;
    if (!demo && options.seed !== false) {
      const fresh = (await store.tenants.listIds()).length === 0;
      writeFileSync(seedingFile, `${JSON.stringify({ fresh })}\n`);
      demo = await step(
        'demo tenant seeded',
        () =>
          seedDemo({
            store,
            apiBase: `http://127.0.0.1:${options.ports.api}`,
            monitorTarget,
            config: { ...apiConfig, ...options.apiConfig },
          }),
        () => '(7 components in 3 groups, 90 days of history, 4 incidents, 1 maintenance, 1 monitor)',
      ).catch((error: unknown) => {
        throw new AppError(
          'internal',
          `seeding the demo failed (${String(error).slice(0, 300)}); the next start ${fresh ? 'clears it and seeds again' : 'keeps the folder as it is'}`,
          { cause: error },
        );
      });
      writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
      await seedDemoSubscribers({ store, tenantId: demo.tenantId, apiBase, linkSecret });
      rmSync(seedingFile, { force: true });
      seeded = true;
    }

    await step('pages published', async () => {
      // A recompiled theme changes every page of its tenants: republish them all.
      if (themesChanged && !seeded) {
        await republishAll({ store });
      }
      await publisher.reconcile();
      await publisher.idle();
      if (!demo) return;
      const page = await edge.fetch(
        new Request(`http://${demo.slug}.${pageHost}/`, { headers: { host: `${demo.slug}.${pageHost}` } }),
      );
      if (page.status !== 200)
        warnings.push(
          `the demo page answers ${page.status}: its publish failed (see above); the reconciler retries every ${(options.timers?.reconcileMs ?? 30_000) / 1000} s`,
        );
    });

    const checker = createChecker({ store, publishTrigger: publisher.trigger, allowPrivateTargets: true, log });
    const checkMs = options.timers?.checkMs ?? 10_000;
    const reconcileMs = options.timers?.reconcileMs ?? 30_000;
    const timers: NodeJS.Timeout[] = [];
    const running = new Set<Promise<unknown>>();
    const every = (ms: number, task: () => Promise<unknown>) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        const run = task()
          .catch((error) => console.error(`  ! ${String(error)}`))
          .finally(() => {
            busy = false;
            running.delete(run);
          });
        running.add(run);
      }, ms);
      timers.push(timer);
    };
    every(checkMs, () => checker.runDue());
    every(options.timers?.rolloverMs ?? 60_000, () => checker.rollover());
    every(reconcileMs, () => publisher.reconcile());
    // Tenant deletions a crash or a failing step left under way (packages/services/src/tenant/delete.ts).
    every(reconcileMs, () =>
      resumeTenantDeletions({
        store,
        publishTrigger: publisher.trigger,
        now: () => new Date(),
        log,
        siteTakedown,
        domainProvisioner: { async onVerified() {}, async onRemoved() {} },
        platformDomain: pageHost,
      }),
    );
    every(60_000, async () => notifier.remindDue(await store.tenants.listIds()));
    // On close: stop the timers, let running checks and publishes finish (bounded), then close servers.
    closers.push(async () => {
      for (const t of timers) clearInterval(t);
      const settle = Promise.all([...running, publisher.idle()]);
      await Promise.race([settle, new Promise((r) => setTimeout(r, 5000).unref())]);
    });
    say(`  ✓ checker every ${checkMs / 1000} s, reconciler every ${reconcileMs / 1000} s`);
    live = true;

    const apiUrl = `http://localhost:${options.ports.api}`;
    return {
      urls: {
        api: apiUrl,
        docs: `${apiUrl}/docs`,
        dashboard: `${apiUrl}/dashboard`,
        edge: `http://localhost:${options.ports.edge}`,
        demo: `http://${demo?.slug ?? 'demo'}.localhost:${options.ports.edge}`,
        mailbox: mail.endpoint.replace('127.0.0.1', 'localhost'),
      },
      demo: demo ?? { slug: '', tenantId: '', apiKey: '', email: '', password: '', apiComponentId: '' },
      store,
      s3: { client: s3.client, endpoint: s3.endpoint, bucket },
      mail: { client: mail.client, mailer: mail.mailer, endpoint: mail.endpoint, messages: mail.messages },
      seeded,
      warnings,
      idle: async () => {
        await publisher.idle();
        await notifier.idle();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
