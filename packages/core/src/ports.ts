/** Starts a publish of the tenant's site at (at least) `contentVersion`. Implemented in packages/aws (Step Functions) and apps/local. */
export interface PublishTrigger {
  requestPublish(tenantId: string, contentVersion: number): Promise<void>;
}

/** Structured operator log. Never pass a secret or a subscriber address in `detail`. */
export type Log = (message: string, detail?: Record<string, unknown>) => void;

/** One email message. `from` is `Display Name <address>`; the body is given both as text and as HTML. */
export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. `List-Unsubscribe`, `List-Unsubscribe-Post`, `List-Id`. */
  headers?: Record<string, string>;
}

/** Sends email. Implemented in packages/aws over SES v2 (aws-ses-v2-local stands in locally). */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** Literal text, or a per-recipient field (a link carrying the recipient's token) filled in by the sender. */
export type EmailSegment = string | { field: string };

/**
 * One message to many recipients: the same parts, with per-recipient fields and headers. Parts are
 * segment lists rather than template strings, so no tenant text is ever read as template syntax.
 */
export interface BulkEmail {
  from: string;
  replyTo?: string;
  subject: string;
  text: EmailSegment[];
  html: EmailSegment[];
  /** Headers every recipient gets (e.g. `List-Id`). */
  headers?: Record<string, string>;
  recipients: { to: string; fields: Record<string, string>; headers?: Record<string, string> }[];
}

/** One recipient's result, in the order of `recipients`: accepted, or refused with a reason. */
export type BulkOutcome = { messageId: string } | { error: string; permanent: boolean };

/** Sends one message to up to `maxRecipients` recipients per call (SES v2 `SendBulkEmail`: 50). */
export interface BulkMailer {
  readonly maxRecipients: number;
  sendBulk(email: BulkEmail): Promise<BulkOutcome[]>;
}

/**
 * Reads a Statuspage page: `getJson('api/v2/summary.json')` fetches that path under the page root and
 * parses it. The HTTP implementation (public https only) is in packages/egress; tests replay recordings.
 * Throws `AppError('source_unreachable')` when the page does not answer with JSON.
 */
export interface StatuspageSource {
  /** The page root, e.g. `https://www.githubstatus.com`. */
  readonly url: string;
  getJson(path: string): Promise<unknown>;
}

/** node:dns/promises-compatible TXT lookup, injectable so tests need no real DNS. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
}

/** What happens on the CDN when a domain is verified or removed (CloudFront distribution tenants on AWS). */
export interface DomainProvisioner {
  onVerified(tenantId: string, domain: string): Promise<void>;
  onRemoved(tenantId: string, domain: string): Promise<void>;
}

/** Starts the notify workflow for a committed publish (`{tenantId}-n{version}`; starting it twice is a no-op). */
export interface NotifyTrigger {
  requestNotify(tenantId: string, publishedVersion: number): Promise<void>;
}

/**
 * Takes a tenant's published site down: every object of it in the site bucket (pages, manifest, build
 * state), then the CDN's cached copies on `hosts`. Idempotent, so a retried deletion runs it again.
 * Implemented in packages/aws (S3 + CloudFront invalidation); locally s3rver and the edge's cache.
 */
export interface SiteTakedown {
  takeDown(tenantId: string, hosts: readonly string[]): Promise<void>;
}
