export { cadenceSeconds } from '@upstate/core';
export { RefusedTarget, type ResolveHost, refusalReason, vetTarget } from '@upstate/egress/ssrf';
export { fetchTransport, nodeTransport, type Transport } from '@upstate/egress/transport';
export { defaultMaxCreditMs } from '@upstate/services/uptime/credit-status';
export {
  type Checker,
  type CheckerDeps,
  createChecker,
  heartbeatOutcome,
  type Log,
  nextRunAt,
  type RunSummary,
} from './checker.ts';
export { type CheckOutcome, runHttpCheck } from './http-check.ts';
export { creditTenantStatusTime } from './status-credit.ts';
export { foldResult, monitorsMayChange, monitorsStatus } from './verdict.ts';
