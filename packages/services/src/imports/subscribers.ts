import type { Author } from '@upstate/core';

/**
 * The seam for bringing a Statuspage page's subscribers over. Their list is not public: it needs the
 * page's management API key, which the caller passes for this one run and which is never stored.
 * Nothing implements it yet (subscribers are being built); until something does, the API refuses a
 * `managementApiKey` with a 400 instead of accepting and ignoring it. An implementation reads
 * `GET /v1/pages/{pageId}/subscribers` of the Statuspage management API, writes each subscriber
 * through the subscribers use cases as already confirmed (they confirmed at the source), and keeps
 * the same rule as the rest of the import: imported entries notify nobody.
 */
export interface SubscriberImporter {
  importSubscribers(input: {
    tenantId: string;
    /** The source page's id, from its summary.json. */
    pageId: string;
    managementApiKey: string;
    author: Author;
  }): Promise<{ imported: number }>;
}
