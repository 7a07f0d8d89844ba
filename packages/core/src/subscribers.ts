import { z } from 'zod';
import { type ComponentStatus, type ComponentStatusChange, Id, IsoDateTime } from './schemas.ts';

export const SubscriberChannel = z.enum(['email', 'webhook', 'slack', 'teams', 'discord']);
export type SubscriberChannel = z.infer<typeof SubscriberChannel>;

export const SubscriberStatus = z.enum(['pending', 'confirmed']);
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;

export const EmailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/, 'must be an email address');

/** Which entries reach a subscriber: incidents and maintenance always; component status changes on opt-in. */
export const SubscriptionScope = z.strictObject({
  /** Components and groups (ids) the subscriber follows; null is the whole page. */
  componentIds: z.array(Id).max(200).nullable(),
  componentUpdates: z.boolean(),
});
export type SubscriptionScope = z.infer<typeof SubscriptionScope>;

/**
 * One subscription. `target` is personal data (an address or a webhook URL): it is returned by the
 * tenant API only, never on a page, in public JSON or in a log.
 */
export const Subscriber = z.object({
  id: Id,
  tenantId: Id,
  channel: SubscriberChannel,
  target: z.string().max(2048),
  status: SubscriberStatus,
  scope: SubscriptionScope,
  createdAt: IsoDateTime,
  confirmedAt: IsoDateTime.nullable(),
  /** Webhooks only: consecutive failed deliveries; at the limit the subscriber is disabled. */
  failures: z.number().int().min(0),
  disabledAt: IsoDateTime.nullable(),
  /** Webhooks: the signing secret (shown once on creation; kept because every delivery is signed with it). */
  secret: z.string().nullable(),
});
export type Subscriber = z.infer<typeof Subscriber>;

export const DeliveryState = z.enum(['queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'skipped']);
export type DeliveryState = z.infer<typeof DeliveryState>;

/** The claim and log of one (entry, subscriber, channel) delivery. */
export const Delivery = z.object({
  tenantId: Id,
  entryKey: z.string(),
  subscriberId: Id,
  channel: SubscriberChannel,
  state: DeliveryState,
  attempts: z.number().int().min(0),
  /** The notify run that holds the claim. */
  run: z.string(),
  messageId: z.string().nullable(),
  reason: z.string().nullable(),
  queuedAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Delivery = z.infer<typeof Delivery>;

/** A webhook endpoint is disabled after this many consecutive failed deliveries. */
export const webhookFailureLimit = 10;

/**
 * Whether a subscription covers an entry. Incidents and maintenance reach every subscriber of the page
 * and those following any affected component or its group; an entry naming no component reaches
 * everyone. Component-only status changes need the opt-in.
 */
export function coversEntry(
  scope: SubscriptionScope,
  entry: { componentIds: string[]; componentChange: boolean },
  groupOf: ReadonlyMap<string, string | null>,
): boolean {
  if (entry.componentChange && !scope.componentUpdates) return false;
  if (!scope.componentIds || entry.componentIds.length === 0) return true;
  const followed = new Set(scope.componentIds);
  return entry.componentIds.some((id) => followed.has(id) || followed.has(groupOf.get(id) ?? ''));
}

/** A tenant's notification settings: sender name, reply-to and the maintenance reminder lead time. */
export const NotificationSettings = z.strictObject({
  /** Shown as the sender (`{senderName} <notifications@platform>`); null: the tenant's name. */
  senderName: z.string().trim().min(1).max(80).nullable(),
  replyTo: EmailAddress.nullable(),
  /** Minutes before a scheduled maintenance starts that its reminder goes out; 0: no reminder. */
  reminderMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const defaultNotificationSettings: NotificationSettings = {
  senderName: null,
  replyTo: null,
  reminderMinutes: 60,
};

/**
 * Flapping: the first status change after a quiet spell is announced at once; a change within this
 * long of the previous one waits until the status has held this long, folding every change in between
 * into one message for their net change.
 */
export const componentQuietMs = 60_000;
/** A component that never settles is still announced, once per this long. */
export const componentHoldMs = 10 * 60_000;

/**
 * The status change to record when a component moves outside an incident. After a quiet spell it leads
 * (announced at once). Right after a leading change (which may have been announced) it is held, from
 * its own old status. Inside the quiet window of a held change it folds into it: subscribers have not
 * heard of that one, so the old status stays the one they last heard of. A held change that has been
 * folding for the hold limit is released: the change leads, carrying that old status.
 */
export function foldStatusChange(
  previous: ComponentStatusChange | undefined,
  change: { id: string; oldStatus: ComponentStatus; newStatus: ComponentStatus; at: string; notify: boolean },
): ComponentStatusChange {
  const at = Date.parse(change.at);
  if (!previous || at - Date.parse(previous.at) >= componentQuietMs)
    return { ...change, since: change.at, leading: true };
  if (previous.leading) return { ...change, since: change.at, leading: false };
  if (at - Date.parse(previous.since) >= componentHoldMs)
    return { ...change, oldStatus: previous.oldStatus, since: change.at, leading: true };
  return { ...change, oldStatus: previous.oldStatus, since: previous.since, leading: false };
}

/** Whether a recorded change may be announced at `now`: it leads, or the status held for the quiet window. */
export function statusChangeDue(change: ComponentStatusChange, now: Date): boolean {
  return change.leading || now.getTime() - Date.parse(change.at) >= componentQuietMs;
}

/**
 * A subscription target as the audit log shows it: enough for a person to recognise it, never the
 * address itself (`r…@example.com`, `https://hooks.slack.com/…`).
 */
export function maskTarget(channel: SubscriberChannel, target: string): string {
  if (channel === 'email') {
    const at = target.lastIndexOf('@');
    return at > 0 ? `${target.slice(0, 1)}…${target.slice(at)}` : '…';
  }
  try {
    const url = new URL(target);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return '…';
  }
}
