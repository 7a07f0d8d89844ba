// The guard lives in @upstate/egress, shared with the notifier's webhook senders.
export {
  hostOf,
  RefusedTarget,
  type ResolveHost,
  refusalReason,
  type TargetPolicy,
  vetTarget,
} from '@upstate/egress/ssrf';
