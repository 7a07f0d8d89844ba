/** Starts a publish of the tenant's site at (at least) `contentVersion`. Implemented in packages/aws (Step Functions) and apps/local. */
export interface PublishTrigger {
  requestPublish(tenantId: string, contentVersion: number): Promise<void>;
}

/** Structured operator log. Never pass a secret or a subscriber address in `detail`. */
export type Log = (message: string, detail?: Record<string, unknown>) => void;
