import { logDeliveryActions } from '@upstate/aws';

/**
 * Every AWS call each notifier function makes (one per Task state of the notify definition, `feedback`
 * for SES events, `remind` on the reminder schedule) and the calls Step Functions makes for the notify
 * state machine, with the resource each acts on; checked by infra's IAM simulation test against the
 * bundled code and the synthesised policies, and by its recorded-calls test against what the handlers
 * send on the stand-ins (see apps/api/src/aws-calls.ts for the placeholders; `{linkSecret}` is the
 * subscriber link secret, `{sesIdentity}` and `{sesConfigurationSet}` the notifications sender,
 * `{notifyStateMachine}` this workflow).
 */

// Every function's cold start reads the link secret (apps/notifier/src/lambda.ts).
const linkSecret = { action: 'secretsmanager:GetSecretValue', resource: '{linkSecret}' } as const;
// The page's Statuspage v2 JSON, what readers see; without s3:ListBucket a missing file is a 403.
const pageJson = [
  { action: 's3:GetObject', resource: '{bucket}/sites/{tenantId}/api/v2/summary.json' },
  { action: 's3:ListBucket', resource: '{bucket}' },
] as const;

export const awsCalls = {
  collect: [
    linkSecret,
    ...pageJson,
    // The tenant's notification settings; the entries it claims; the subscriber ranges.
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:PutItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
  ],
  page: [
    linkSecret,
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    // The suppression list, one batch per range.
    { action: 'dynamodb:BatchGetItem', resource: '{table}' },
    // The claim of each (entry, subscriber, channel), then its outcome (a bulk batch's outcomes in one
    // BatchWriteItem).
    { action: 'dynamodb:PutItem', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:BatchWriteItem', resource: '{table}' },
    // Through SES v2 (packages/aws/src/mail.ts): raw MIME one by one (component changes, a recipient a
    // bulk call refused) and SendBulkEmail with inline template content, each authorised on the
    // identity and the configuration set.
    { action: 'ses:SendEmail', resource: '{sesIdentity}' },
    { action: 'ses:SendEmail', resource: '{sesConfigurationSet}' },
    { action: 'ses:SendBulkEmail', resource: '{sesIdentity}' },
    { action: 'ses:SendBulkEmail', resource: '{sesConfigurationSet}' },
    // SendBulkEmail names a template as a required resource although the content is inline.
    { action: 'ses:SendBulkEmail', resource: '{sesTemplate}' },
  ],
  finish: [linkSecret, { action: 'dynamodb:UpdateItem', resource: '{table}' }],
  feedback: [
    linkSecret,
    // The delivery by SES message id, its outcome; a permanent bounce or complaint suppresses and removes.
    { action: 'dynamodb:Query', resource: '{index}' },
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:PutItem', resource: '{table}' },
    { action: 'dynamodb:UpdateItem', resource: '{table}' },
    { action: 'dynamodb:DeleteItem', resource: '{table}' },
  ],
  remind: [
    linkSecret,
    // Every tenant id (the tenant directory on gsi2), each one's upcoming maintenance and reminder lead,
    // and its components' held status changes that have come due.
    { action: 'dynamodb:Query', resource: '{index}' },
    { action: 'dynamodb:GetItem', resource: '{table}' },
    { action: 'dynamodb:Query', resource: '{table}' },
    ...pageJson,
    { action: 'states:StartExecution', resource: '{notifyStateMachine}' },
  ],
  /** The notify state machine's own role: it invokes the task Lambdas and delivers its logs. */
  stateMachine: [
    ...(['collect', 'page', 'finish'] as const).map(
      (task) => ({ action: 'lambda:InvokeFunction', resource: `{function:notify-${task}}` }) as const,
    ),
    // Step Functions' log delivery API takes no resource ARN.
    ...logDeliveryActions.map((action) => ({ action, resource: '*' }) as const),
  ],
} as const;
