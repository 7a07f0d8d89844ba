export { cadenceSeconds } from '@upstate/core';
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
export { RefusedTarget, type ResolveHost, refusalReason, vetTarget } from './ssrf.ts';
export { creditTenantStatusTime } from './status-credit.ts';
export { fetchTransport, nodeTransport, type Transport } from './transport.ts';
export { foldResult, monitorsMayChange, monitorsStatus } from './verdict.ts';
