/**
 * Every AWS call the deployed API function makes (the management API with the dashboard mounted,
 * `apps/dashboard/src/lambda.ts`), with the resource each acts on. infra's IAM simulation test
 * (`infra/src/iam-simulation.test.ts`) checks this table both ways: against the SDK commands in
 * the bundled code, and against the synthesised policy, which must allow each call and nothing else.
 *
 * Resources: `{table}`, `{index}` (each GSI), `{stateMachine}` (publish), `{cursorSecret}`, `{linkSecret}`
 * (subscriber links, shared with the notifier), `{sesIdentity}` and `{sesConfigurationSet}` (the sender), `{distributionTenant}`
 * (an existing one tagged with this stage), `{newDistributionTenant}` (`*`: CreateDistributionTenant
 * has no resource type; the call carries the stage tag).
 */
export const awsCalls = {
  api: [
    // The store: every repository the routes and the dashboard use.
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:PutItem', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:DeleteItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{index}' },
    // The cursor key and the subscriber link secret, once per cold start (packages/aws/src/secrets.ts).
    { action: 'secretsmanager:GetSecretValue', resource: '{cursorSecret}' },
    { action: 'secretsmanager:GetSecretValue', resource: '{linkSecret}' },
    // Account email and the subscription opt-in, raw MIME through SES v2 (packages/aws/src/mail.ts).
    { action: 'ses:SendEmail', resource: '{sesIdentity}' },
    { action: 'ses:SendEmail', resource: '{sesConfigurationSet}' },
    // An import runs in an asynchronous invocation of this same function (packages/aws/src/import-launcher.ts).
    { action: 'lambda:InvokeFunction', resource: '{function:api}' },
    // A deleted tenant's page comes off the site bucket (packages/aws/src/site-takedown.ts): list, delete.
    { action: 's3:ListBucket', resource: '{bucket}' },
    { action: 's3:DeleteObject', resource: '{bucket}/sites/{tenantId}/index.html' },
    { action: 's3:DeleteObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz' },
    { action: 's3:DeleteObject', resource: '{bucket}/manifests/{tenantId}.json' },
    { action: 's3:DeleteObject', resource: '{bucket}/builds/cdn/{tenantId}.json' },
    // Every write publishes (packages/aws/src/sfn.ts).
    { action: 'states:StartExecution', resource: '{stateMachine}' },
    // The domain provisioner (packages/aws/src/domain-provisioner.ts).
    { action: 'cloudfront:CreateDistributionTenant', resource: '{newDistributionTenant}' },
    { action: 'cloudfront:GetDistributionTenantByDomain', resource: '{distributionTenant}' },
    { action: 'cloudfront:VerifyDnsConfiguration', resource: '{distributionTenant}' },
    { action: 'cloudfront:UpdateDistributionTenant', resource: '{distributionTenant}' },
    { action: 'cloudfront:DeleteDistributionTenant', resource: '{distributionTenant}' },
  ],
  /** The scheduled provisioning reconciler (`reconcileProvisioning`, provisioning.ts), same bundle. */
  'provision-reconciler': [
    // The same bundle's cold start.
    { action: 'secretsmanager:GetSecretValue', resource: '{cursorSecret}' },
    { action: 'secretsmanager:GetSecretValue', resource: '{linkSecret}' },
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:DeleteItem', resource: '{table}' },
    { action: 'cloudfront:CreateDistributionTenant', resource: '{newDistributionTenant}' },
    { action: 'cloudfront:GetDistributionTenantByDomain', resource: '{distributionTenant}' },
    { action: 'cloudfront:VerifyDnsConfiguration', resource: '{distributionTenant}' },
    { action: 'cloudfront:UpdateDistributionTenant', resource: '{distributionTenant}' },
    { action: 'cloudfront:DeleteDistributionTenant', resource: '{distributionTenant}' },
    // It also finishes tenant deletions left under way: the deletion queue and the tenant's listings are indexes.
    { action: 'dynamodb:Query', resource: '{index}' },
    // A deleted tenant's page comes off the site bucket (packages/aws/src/site-takedown.ts): list, delete.
    { action: 's3:ListBucket', resource: '{bucket}' },
    { action: 's3:DeleteObject', resource: '{bucket}/sites/{tenantId}/index.html' },
    { action: 's3:DeleteObject', resource: '{bucket}/builds/runs/{tenantId}/build.json.gz' },
    { action: 's3:DeleteObject', resource: '{bucket}/manifests/{tenantId}.json' },
    { action: 's3:DeleteObject', resource: '{bucket}/builds/cdn/{tenantId}.json' },
  ],
} as const;
