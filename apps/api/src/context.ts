import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiKeyScope, Author, Mailer, Permission, Role, SiteTakedown, StatuspageSource } from '@upstate/core';
import type { SubscriberImporter } from '@upstate/services/imports/subscribers';
import type { Store } from '@upstate/store';
import type { DocsAssets } from './docs.ts';
import type { DnsResolver, DomainProvisioner } from './domains.ts';
import type { PublishTrigger } from './publish-trigger.ts';

export interface ApiConfig {
  /** Public pages live at `{slug}.{platformDomain}` (e.g. `localhost:8080` locally). */
  platformDomain: string;
  /** `https` on AWS, `http` locally. */
  pageScheme: 'http' | 'https';
  /** Secure cookies need https; off only for local http. */
  cookieSecure: boolean;
  /** Requests per minute per API key. */
  rateLimitPerMinute: number;
  /** Monitors one tenant may have: the checker's slots are shared, so no tenant may flood them. */
  monitorsPerTenant: number;
  /** Local mode allows loopback monitor targets (demo and tests). */
  localMode: boolean;
  /** Absolute URL of the dashboard, for links in account email. */
  dashboardUrl: string;
  /** Sender of account email, `Name <address>`. */
  mailFrom: string;
}

export interface AppDeps {
  store: Store;
  publishTrigger: PublishTrigger;
  dnsResolver: DnsResolver;
  domainProvisioner?: DomainProvisioner;
  /** Takes a deleted tenant's page down (site bucket + CDN). Without it the objects stay in the bucket (logged). */
  siteTakedown?: SiteTakedown;
  now?: () => Date;
  config?: Partial<ApiConfig>;
  /** Account email (verification, reset, invites). */
  mailer?: Mailer;
  /** The client's address for sign-in and sign-up limits; defaults to what the Lambda or Node entry saw. */
  clientAddress?: (c: import('hono').Context) => string | undefined;
  /** Reader subscriptions: the link secret (shared with the notifier), the API's public URL and the opt-in mailer. */
  subscriptions?: import('./routes/public-subscriptions.ts').PublicSubscriptionDeps;
  /** Logger for failures that must not fail the request (publish trigger). */
  log?: (message: string, detail?: Record<string, unknown>) => void;
  /** The /docs renderer files; by default read from the installed package on first use (Lambda passes prebuilt ones). */
  docsAssets?: () => DocsAssets;
  /** How imports reach their source and run; defaults: public https only, run in this process. */
  imports?: Partial<ImportDeps>;
}

/** A queued import handed to its runner. */
export interface ImportLaunch {
  tenantId: string;
  jobId: string;
  /** The page root the job reads (already vetted). */
  root: string;
  /** Held in memory for this run only; never stored, never put in an event payload. */
  managementApiKey?: string;
}

export interface ImportDeps {
  /** Refuses (4xx) a page root that does not resolve to public addresses, before a job is queued. */
  vet(root: string): Promise<void>;
  source(root: string): StatuspageSource;
  /**
   * Runs a queued import without holding the request. Default: in this process (Node). Lambda
   * freezes after the response, so there `lambda.ts` invokes itself asynchronously with the job.
   */
  launch?(job: ImportLaunch): Promise<void>;
  subscribers?: SubscriberImporter;
}

export interface Principal {
  tenantId: string;
  author: Author;
  scopes: readonly ApiKeyScope[];
  /** What this principal may do (from its role or its key's scopes); absent means "what `scopes` grant". */
  permissions?: readonly Permission[];
  /** A person's role in the tenant (sessions only). */
  role?: Role;
  via: 'api_key' | 'session';
  apiKeyId?: string;
  csrfToken?: string;
  /** Hash of the session cookie (sessions only): the current session in lists. */
  sessionHash?: string;
  /** The tenant requires two-factor and this session signed in without it. */
  twoFactorMissing?: boolean;
}

export type Env = {
  Variables: {
    requestId: string;
    principal: Principal;
    /** The scope the route checked; an idempotent replay checks it again before answering. */
    requiredScope?: Permission;
    /** Set by the idempotency middleware: one id per Idempotency-Key, kept across retries of a failure. */
    operationId?: string;
    /** True when this request retries an attempt that failed (5xx) under the same Idempotency-Key. */
    operationResumed?: boolean;
  };
};

export type App = OpenAPIHono<Env>;
