import { logDeliveryActions } from '@upstate/aws';

/**
 * Every AWS call each publisher function makes (one per Task state, the reconciler) and the calls
 * Step Functions makes for the publish state machine, with the resource each acts on; checked by
 * infra's IAM simulation test against the bundled code and the synthesised policies (see
 * apps/api/src/aws-calls.ts for the placeholders; `{notifyStateMachine}` is the notify workflow; `{bucket}/…` is an object key, `{function:x}` a
 * task Lambda).
 */
const lease = [
  { action: 'dynamodb:GetItem', resource: '{table}' },
  { action: 'dynamodb:UpdateItem', resource: '{table}' },
] as const;
// Without s3:ListBucket, S3 answers a missing key with 403 instead of NoSuchKey.
const listing = { action: 's3:ListBucket', resource: '{bucket}' } as const;

export const awsCalls = {
  lease,
  render: [
    ...lease,
    // The tenant snapshot: tenant, components, incidents, maintenance, rollups, domains.
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{index}' },
    { action: 's3:PutObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz' },
  ],
  sync: [
    ...lease,
    { action: 's3:GetObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz' },
    { action: 's3:GetObject', resource: '{bucket}/manifests/{tenantId}.json' },
    { action: 's3:GetObject', resource: '{bucket}/builds/cdn/{tenantId}.json' },
    { action: 's3:PutObject', resource: '{bucket}/assets/default/page.css' },
    { action: 's3:PutObject', resource: '{bucket}/sites/{tenantId}/index.html' },
    { action: 's3:PutObject', resource: '{bucket}/manifests/{tenantId}.json' },
    { action: 's3:PutObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz.cdn.json' },
    // DeleteObjects of stale pages: S3 authorises it as DeleteObject per key.
    { action: 's3:DeleteObject', resource: '{bucket}/sites/{tenantId}/incidents/old/index.html' },
    listing,
  ],
  invalidate: [
    ...lease,
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{index}' },
    { action: 's3:GetObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz.cdn.json' },
    { action: 's3:PutObject', resource: '{bucket}/builds/cdn/{tenantId}.json' },
    listing,
    // packages/aws/src/cloudfront.ts: the distribution tenants serving the tenant's hosts, then one invalidation each.
    { action: 'cloudfront:GetDistributionTenantByDomain', resource: '{distributionTenant}' },
    { action: 'cloudfront:CreateInvalidationForDistributionTenant', resource: '{distributionTenant}' },
  ],
  commit: [
    ...lease,
    { action: 's3:DeleteObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz' },
    // The version the page now shows starts its notify run (packages/aws/src/sfn.ts sfnNotifyTrigger).
    { action: 'states:StartExecution', resource: '{notifyStateMachine}' },
  ],
  release: lease,
  reconcile: [
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{index}' },
    { action: 'states:StartExecution', resource: '{stateMachine}' },
  ],
  /** The publish state machine's own role: it invokes the task Lambdas and delivers its logs. */
  stateMachine: [
    ...(['lease', 'render', 'sync', 'invalidate', 'commit', 'release'] as const).map(
      (task) => ({ action: 'lambda:InvokeFunction', resource: `{function:publish-${task}}` }) as const,
    ),
    // Step Functions' log delivery API takes no resource ARN.
    ...logDeliveryActions.map((action) => ({ action, resource: '*' }) as const),
  ],
} as const;
