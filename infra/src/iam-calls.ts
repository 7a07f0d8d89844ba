import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCalls as apiCalls } from '@upstate/api/aws-calls';
import { awsCalls as checkerCalls } from '@upstate/checker/aws-calls';
import { awsCalls as notifierCalls } from '@upstate/notifier/aws-calls';
import { awsCalls as publisherCalls } from '@upstate/publisher/aws-calls';
import type { BundleName } from './bundle.ts';

/** One AWS call a function's code makes: the IAM action it needs and a resource (placeholder ARN) it acts on. */
export interface AwsCall {
  action: string;
  resource: string;
}

/** The notifier bundle's functions: its three Task states, SES feedback and the reminder schedule. */
export const notifyFunctions = ['collect', 'page', 'finish', 'feedback', 'remind'] as const;

/**
 * Each role's calls, from the tables beside the handlers, keyed by the role's function name (without
 * the stage prefix). `publish-state-machine` and `scheduler` are the roles services assume.
 */
export const roleCalls: Record<string, readonly AwsCall[]> = {
  api: apiCalls.api,
  'provision-reconciler': apiCalls['provision-reconciler'],
  checker: checkerCalls.checker,
  reconcile: publisherCalls.reconcile,
  ...Object.fromEntries(
    (['lease', 'render', 'sync', 'invalidate', 'commit', 'release'] as const).map((t) => [
      `publish-${t}`,
      publisherCalls[t],
    ]),
  ),
  'publish-state-machine': publisherCalls.stateMachine,
  ...Object.fromEntries(notifyFunctions.map((f) => [`notify-${f}`, notifierCalls[f]])),
  'notify-state-machine': notifierCalls.stateMachine,
  // EventBridge Scheduler invokes the two scheduled functions (workflow.ts); no handler of ours runs it.
  scheduler: [
    { action: 'lambda:InvokeFunction', resource: '{function:checker}' },
    { action: 'lambda:InvokeFunction', resource: '{function:reconcile}' },
  ],
  'provision-scheduler': [{ action: 'lambda:InvokeFunction', resource: '{function:provision-reconciler}' }],
  // The maintenance-reminder schedule (notify.ts).
  'notify-scheduler': [{ action: 'lambda:InvokeFunction', resource: '{function:notify-remind}' }],
};

/**
 * Actions a table lists that no SDK command names: S3 answers GetObject of a missing key with
 * NoSuchKey (not 403) only to a caller that may list the bucket.
 */
export const impliedActions = new Set(['s3:ListBucket']);

/**
 * Commands in a bundle's code that none of its functions make: their module is in the bundle for
 * something else it exports. The file scan sees a module, not a function, so each is listed with the
 * reason; `recorded-calls.test.ts` shows what the functions really send.
 */
export const bundledButUncalled: Record<BundleName, Record<string, string>> = {
  api: {
    'cloudfront:CreateInvalidationForDistributionTenant':
      'packages/aws/src/cloudfront.ts is in for cloudFrontClient; only the publisher invalidates',
    'ses:SendBulkEmail': 'packages/aws/src/mail.ts is in for the account mailer; only the notifier sends in bulk',
    's3:GetObject': 'packages/aws/src/s3.ts is in for the site takedown (manifestKey); the API never reads the bucket',
    's3:PutObject': 'packages/aws/src/s3.ts is in for the site takedown (manifestKey); the API never writes the bucket',
  },
  publisher: Object.fromEntries(
    ['CreateDistributionTenant', 'UpdateDistributionTenant', 'DeleteDistributionTenant', 'VerifyDnsConfiguration'].map(
      (a) => [
        `cloudfront:${a}`,
        'packages/aws/src/domain-provisioner.ts is in for tenantParameterName; only the API provisions',
      ],
    ),
  ),
  checker: {},
  notifier: Object.fromEntries(
    ['PutObject', 'DeleteObject'].map((a) => [
      `s3:${a}`,
      'packages/aws/src/s3.ts is in for siteKey and GetObject (site-read.ts); the notifier only reads what the page shows',
    ]),
  ),
};

/** Which functions run each bundle: the union of their tables is what the bundle's code calls. */
export const bundleRoles: Record<BundleName, string[]> = {
  api: ['api', 'provision-reconciler'],
  publisher: [
    'reconcile',
    ...['lease', 'render', 'sync', 'invalidate', 'commit', 'release'].map((t) => `publish-${t}`),
  ],
  checker: ['checker'],
  notifier: notifyFunctions.map((f) => `notify-${f}`),
};

// AWS SDK v3 command classes whose IAM action is not `<service>:<Command minus "Command">`.
const documentClientActions: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  TransactGetCommand: 'dynamodb:TransactGetItems',
};
const renamed: Record<string, string> = {
  ListObjectsV2Command: 's3:ListBucket',
  HeadObjectCommand: 's3:GetObject',
  InvokeCommand: 'lambda:InvokeFunction',
  // S3 authorises a multi-object delete as DeleteObject on each key.
  DeleteObjectsCommand: 's3:DeleteObject',
};

/** The SDK package each imported command comes from decides the service prefix. */
const servicePrefixes: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-cloudfront': 'cloudfront',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-lambda': 'lambda',
};

const repo = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The IAM actions a set of source files can call: every `new XCommand(` whose class is imported from
 * an AWS SDK client. Type-only imports and commands imported but never constructed do not count.
 */
export function actionsInSources(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(repo, file), 'utf8');
    const imported = new Map<string, string>();
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[a-z0-9-]+)'/g)) {
      for (const name of (m[1] ?? '').split(',').map((n) => n.trim())) {
        if (name && !name.startsWith('type ')) imported.set(name, m[2] ?? '');
      }
    }
    for (const m of text.matchAll(/new\s+(\w+Command)\s*\(/g)) {
      const command = m[1] ?? '';
      const from = imported.get(command);
      if (!from) continue;
      const prefix = servicePrefixes[from];
      if (!prefix) throw new Error(`${file}: ${command} from ${from}: add the client to servicePrefixes`);
      const action =
        (from === '@aws-sdk/lib-dynamodb' ? documentClientActions[command] : undefined) ??
        renamed[command] ??
        `${prefix}:${command.replace(/Command$/, '')}`;
      found.set(action, [...(found.get(action) ?? []), file]);
    }
  }
  return found;
}
