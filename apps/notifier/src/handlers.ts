import type { S3Client } from '@aws-sdk/client-s3';
import { readSiteJson } from '@upstate/aws';
import { AppError, type Log, type V2Component, type V2Incident, type V2ScheduledMaintenance } from '@upstate/core';
import type { ServiceDeps } from '@upstate/services/deps';
import {
  announce,
  componentEntryKeyOf,
  dueComponentChanges,
  isReminder,
} from '@upstate/services/notifications/announce';
import { type DeliveryOutcome, deliver, deliverBulk } from '@upstate/services/notifications/deliver';
import { linkToken, type Store, targetHash } from '@upstate/store';
import { z } from 'zod';
import { componentMessage } from './channels/component.ts';
import { type EmailBrand, entryMessage } from './channels/email.ts';
import type { Senders } from './senders.ts';

/** Where the links in every message point: the platform API's public subscription endpoints. */
export interface LinkConfig {
  /** Public base URL of the API, e.g. https://api.example.com (no trailing slash). */
  apiBase: string;
  /** The platform secret link tokens derive from (the API uses the same one). */
  linkSecret: string;
}

export const subscriptionLinks = (links: LinkConfig, tenantId: string, subscriberId: string) => {
  const token = linkToken(links.linkSecret, tenantId, subscriberId);
  const base = `${links.apiBase}/public/subscriptions/${token}`;
  return { manage: base, unsubscribe: `${base}/unsubscribe`, confirm: `${base}/confirm` };
};

/**
 * Subscribers per Map item: large enough that the per-range reads (tenant, settings, components,
 * entries, suppressions) and Map iterations stay few (20 items for 10,000), small enough that a range
 * (its claims, 10 bulk calls, their outcomes) ends well inside the task's 300 s timeout.
 */
export const defaultRangeSize = 500;
/**
 * Claims in flight per range (× the Map's concurrency in all). More mainly queues on the store: on the
 * bench (one process, dynalite), 4 per range kept a claim at ~40-60 ms where 16 took ~270 ms.
 */
export const defaultClaimConcurrency = 4;

export interface NotifierDeps {
  store: Store;
  s3: S3Client;
  bucket: string;
  senders: Senders;
  links: LinkConfig;
  /** The sender domain: `notifications@{mailDomain}`. */
  mailDomain: string;
  now?: () => Date;
  log?: Log;
  /** Subscribers per Map item (default `defaultRangeSize`). */
  rangeSize?: number;
  /** Webhook and chat sends in flight within one range (default 16). */
  deliveryConcurrency?: number;
  /** Email delivery claims in flight within one range (default `defaultClaimConcurrency`). */
  claimConcurrency?: number;
  /** Backoff base between send attempts (ms). */
  backoffMs?: number;
  /** Only entries created this recently notify (default 1 hour): older ones are backfilled history. */
  freshMs?: number;
  /** Lead time of the maintenance reminder (default 60 minutes). */
  reminderMs?: number;
}

const Base = z.object({ tenantId: z.string().min(1).max(64), run: z.string().min(1).max(80) });
const CollectInput = Base.extend({ version: z.number().int().min(0) });
const Range = z.object({ after: z.string().max(64).nullable(), until: z.string().max(64).nullable() });
const PageInput = Base.extend({ entryKeys: z.array(z.string().max(200)).max(500), range: Range });
const FinishInput = z.object({ tenantId: z.string().min(1).max(64), entryKeys: z.array(z.string().max(200)).max(500) });

function parse<T>(schema: z.ZodType<T>, event: unknown): T {
  const result = schema.safeParse(event);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'event';
    throw Object.assign(
      new AppError('validation_failed', `Invalid task input: ${field}: ${issue?.message}`, { field }),
      {
        name: 'InvalidInput',
      },
    );
  }
  return result.data;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

interface PageStatus {
  id: string;
  url: string;
  indicator: string;
  description: string;
}

export interface CollectResult {
  tenantId: string;
  run: string;
  hasWork: boolean;
  entryKeys: string[];
  ranges: z.infer<typeof Range>[];
}

/** The notify task handlers over injected deps: the local notifier binds them, a Lambda entry would too. */
export function createNotifyHandlers(deps: NotifierDeps) {
  const now = deps.now ?? (() => new Date());
  const log: Log = deps.log ?? (() => {});
  const services: ServiceDeps = {
    store: deps.store,
    // The notifier changes no page content.
    publishTrigger: {
      async requestPublish() {
        throw new Error('the notifier never publishes');
      },
    },
    now,
    log,
  };

  return {
    /** Reads what the page shows now, claims its new entries, and splits the subscribers into ranges. */
    async collect(event: unknown): Promise<CollectResult> {
      const { tenantId, run } = parse(CollectInput, event);
      const [summary, incidents, maintenances] = await Promise.all([
        readSiteJson<{
          page: { id: string; url: string };
          status: { indicator: string; description: string };
          components?: V2Component[];
        }>(deps.s3, deps.bucket, tenantId, 'api/v2/summary.json'),
        readSiteJson<{ incidents: V2Incident[] }>(deps.s3, deps.bucket, tenantId, 'api/v2/incidents.json'),
        readSiteJson<{ scheduled_maintenances: V2ScheduledMaintenance[] }>(
          deps.s3,
          deps.bucket,
          tenantId,
          'api/v2/scheduled-maintenances.json',
        ),
      ]);
      if (!summary) return { tenantId, run, hasWork: false, entryKeys: [], ranges: [] };
      const status: PageStatus = { id: summary.page.id, url: summary.page.url, ...summary.status };
      const [settings, components] = await Promise.all([
        deps.store.notificationSettings.get(tenantId),
        deps.store.components.list(tenantId),
      ]);
      const { entryKeys } = await announce(services, {
        tenantId,
        run,
        published: {
          status,
          incidents: incidents?.incidents ?? [],
          maintenances: maintenances?.scheduled_maintenances ?? [],
          components: summary.components ?? [],
        },
        components,
        ...(deps.freshMs !== undefined ? { freshMs: deps.freshMs } : {}),
        reminderMs: deps.reminderMs ?? settings.reminderMinutes * 60_000,
      });
      if (entryKeys.length === 0) return { tenantId, run, hasWork: false, entryKeys, ranges: [] };
      const ranges = await deps.store.subscribers.ranges(tenantId, deps.rangeSize ?? defaultRangeSize);
      return { tenantId, run, hasWork: true, entryKeys, ranges };
    },

    /** Sends every claimed entry to every subscriber of one range: claim → send → log, once each. */
    async page(event: unknown): Promise<Record<DeliveryOutcome, number>> {
      const { tenantId, run, entryKeys, range } = parse(PageInput, event);
      const [record, settings, components, subscribers, entries] = await Promise.all([
        deps.store.tenants.require(tenantId),
        deps.store.notificationSettings.get(tenantId),
        deps.store.components.list(tenantId),
        deps.store.subscribers.inRange(tenantId, range),
        Promise.all(entryKeys.map((key) => deps.store.notifyEntries.get(tenantId, key))),
      ]);
      const groupOf = new Map(components.map((c) => [c.id, c.groupId]));
      const emailHashes = new Map(
        subscribers.filter((s) => s.channel === 'email').map((s) => [s.id, targetHash(tenantId, s.target)] as const),
      );
      const suppressed = await deps.store.suppressions.whichOf(tenantId, [...emailHashes.values()]);
      const counts: Record<DeliveryOutcome, number> = { sent: 0, failed: 0, duplicate: 0, skipped: 0, out_of_scope: 0 };
      const add = (more: Record<DeliveryOutcome, number>) => {
        for (const [k, n] of Object.entries(more)) counts[k as DeliveryOutcome] += n;
      };
      const bulk = deps.senders.bulkEmail;
      const work = entries.flatMap((entry) => {
        if (!entry) return [];
        const page = JSON.parse(entry.pageStatus) as PageStatus;
        const brand: EmailBrand = {
          tenantId,
          tenantName: settings.senderName ?? record.tenant.name,
          brandColor: record.branding.brandColor,
          mailDomain: deps.mailDomain,
          pageUrl: page.url,
          replyTo: settings.replyTo,
        };
        const message =
          entry.kind === 'component'
            ? componentMessage(entry.payload)
            : entryMessage(entry.kind, entry.payload, isReminder(entry.entryKey));
        return [{ entry, page, brand, message }];
      });
      const options = deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {};
      // Email in bulk when the mailer can: claims one by one, sends 50 at a time. A component change's
      // email (opt-in, so few readers) goes one by one with the webhooks and chat.
      const inBulk = (s: { channel: string }, message: { kind: string }) =>
        Boolean(bulk) && s.channel === 'email' && message.kind !== 'component';
      const bulkPart = async () => {
        if (!bulk) return;
        const emails = subscribers.filter((s) => s.channel === 'email');
        const suppressedIds = new Set(
          emails.filter((s) => suppressed.has(emailHashes.get(s.id) ?? '')).map((s) => s.id),
        );
        for (const { entry, brand, message } of work) {
          if (message.kind === 'component') continue;
          add(
            await deliverBulk(services, {
              run,
              entry,
              subscribers: emails,
              groupOf,
              suppressed: suppressedIds,
              batchSize: bulk.batchSize,
              claimConcurrency: deps.claimConcurrency ?? defaultClaimConcurrency,
              ...options,
              sendBatch: (batch) =>
                bulk.send(
                  brand,
                  message,
                  batch.map((subscriber) => ({
                    subscriber,
                    links: subscriptionLinks(deps.links, tenantId, subscriber.id),
                  })),
                ),
            }),
          );
        }
      };
      // Webhooks and chat (and email without a bulk mailer): one send each, a bounded number in flight,
      // alongside the bulk email (their receivers' latency need not wait for it).
      const jobs = work.flatMap((w) =>
        subscribers.filter((s) => !inBulk(s, w.message)).map((subscriber) => ({ ...w, subscriber })),
      );
      const singlePart = () =>
        pool(jobs, deps.deliveryConcurrency ?? 16, async ({ entry, page, brand, message, subscriber }) => {
          const links = subscriptionLinks(deps.links, tenantId, subscriber.id);
          const outcome = await deliver(services, {
            run,
            entry,
            subscriber,
            groupOf,
            suppressed: suppressed.has(emailHashes.get(subscriber.id) ?? ''),
            ...options,
            send: () =>
              deps.senders.send(subscriber, {
                brand,
                page,
                message,
                links,
                documentationUrl: `${deps.links.apiBase}/docs#webhook-signatures`,
                now,
              }),
          });
          counts[outcome]++;
        });
      await Promise.all([bulkPart(), singlePart()]);
      log('notify range delivered', { tenantId, run, ...counts });
      return counts;
    },

    /**
     * Whether a run has held work to do without a new publish: a scheduled maintenance whose reminder
     * is due, or a component status change whose quiet window ended after the publish that showed it.
     * The schedule that starts reminder runs asks this first, so an idle tenant costs two reads.
     */
    async reminderDue(tenantId: string): Promise<boolean> {
      const stored = await deps.store.components.list(tenantId);
      if (stored.some((c) => c.statusChange)) {
        const summary = await readSiteJson<{ components?: V2Component[] }>(
          deps.s3,
          deps.bucket,
          tenantId,
          'api/v2/summary.json',
        );
        const due = dueComponentChanges(
          stored,
          summary?.components ?? [],
          now(),
          now().getTime() - (deps.freshMs ?? 3_600_000),
        );
        for (const change of due) {
          const entry = await deps.store.notifyEntries.get(tenantId, componentEntryKeyOf(change.component_update.id));
          if (!entry) return true;
        }
      }
      const upcoming = await readSiteJson<{ scheduled_maintenances: V2ScheduledMaintenance[] }>(
        deps.s3,
        deps.bucket,
        tenantId,
        'api/v2/scheduled-maintenances/upcoming.json',
      );
      const lead = deps.reminderMs ?? (await deps.store.notificationSettings.get(tenantId)).reminderMinutes * 60_000;
      const at = now().getTime();
      return (upcoming?.scheduled_maintenances ?? []).some((m) => {
        const start = Date.parse(m.scheduled_for);
        return start > at && start - at <= lead && Date.parse(m.created_at) <= start - lead;
      });
    },

    /** Marks the run's entries complete, so no later run takes their fan-out over. */
    async finish(event: unknown): Promise<{ tenantId: string; completed: number }> {
      const { tenantId, entryKeys } = parse(FinishInput, event);
      for (const key of entryKeys) await deps.store.notifyEntries.complete(tenantId, key);
      return { tenantId, completed: entryKeys.length };
    },
  };
}

export type NotifyHandlers = ReturnType<typeof createNotifyHandlers>;
