import type { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { SchedulerSchedule } from '@cdktn/provider-aws/lib/scheduler-schedule/index.js';
import type { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import {
  type PublishResources,
  publishDefinition,
  type TaskName,
  taskNames,
  taskTimeoutSeconds,
} from '@upstate/publisher/definition';
import { Construct } from 'constructs';
import type { Bundle } from './bundle.ts';
import { ownTenants, type Statement, serviceRole } from './iam.ts';
import { NodeFunction } from './node-function.ts';
import { loggedStateMachine } from './state-machine.ts';

export interface WorkflowProps {
  prefix: string;
  accountId: string;
  table: DynamodbTable;
  bucket: S3Bucket;
  distributionId: string;
  distributionTenantArns: string;
  stage: string;
  platformDomain: string;
  publisherBundle: Bundle;
  checkerBundle: Bundle;
  logRetentionDays: number;
  /** The notify workflow: the commit task starts a run of it for every committed version. */
  notifyStateMachineArn: string;
}

/** Statement builders, so each function lists exactly the calls its code makes. */
export const tableAccess = (table: DynamodbTable, actions: string[]): Statement => ({
  actions: actions.map((a) => `dynamodb:${a}`),
  resources: [table.arn],
});
/** An index can only be queried: nothing else is granted on it. */
export const indexQuery = (table: DynamodbTable): Statement => ({
  actions: ['dynamodb:Query'],
  resources: [`${table.arn}/index/*`],
});
export const objects = (bucket: S3Bucket, actions: string[], prefixes: string[]): Statement => ({
  actions: actions.map((a) => `s3:${a}`),
  resources: prefixes.map((p) => `${bucket.arn}/${p}*`),
});
// Without s3:ListBucket, S3 answers GetObject of a missing key with 403 instead of NoSuchKey, and a
// tenant's first publish reads manifests that do not exist yet. The 404-vs-403 check is made without
// an s3:prefix, so a prefix condition here would not help: the grant is the bucket, listing only.
export const listing = (bucket: S3Bucket): Statement => ({ actions: ['s3:ListBucket'], resources: [bucket.arn] });

/** Memory of each publish task's Lambda (MB): rendering and syncing a whole site want more. */
export const taskMemoryMb = (task: TaskName) => ({ render: 1536, sync: 1024 })[task as 'render' | 'sync'] ?? 512;

/**
 * The publish workflow (the very definition the local runner executes), its task Lambdas, and the
 * scheduled checker and reconciler.
 */
export class WorkflowStack extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly tasks: Record<TaskName, NodeFunction>;
  readonly resources: PublishResources;
  readonly checker: NodeFunction;
  readonly reconciler: NodeFunction;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { table, bucket, prefix } = props;
    // The names apps/publisher/src/env.ts reads.
    const environment = {
      TABLE_NAME: table.name,
      BUCKET: bucket.bucket,
      DISTRIBUTION_ID: props.distributionId,
      PLATFORM_DOMAIN: props.platformDomain,
      PAGE_SCHEME: 'https',
    };
    // Every task renews the tenant's lease (UpdateItem) and reads the publish state.
    const lease = tableAccess(table, ['GetItem', 'UpdateItem']);
    const taskStatements: Record<TaskName, Statement[]> = {
      lease: [lease],
      render: [
        lease,
        tableAccess(table, ['Query']),
        indexQuery(table),
        objects(bucket, ['PutObject'], ['builds/runs/']),
      ],
      // Reads the build and the previous manifest; uploads the site, shared assets and the new
      // manifest; deletes only stale site files (shared assets and manifests are never deleted).
      sync: [
        lease,
        // The build and its pending CDN manifest, the last invalidated manifest, the site manifest.
        objects(bucket, ['GetObject', 'PutObject'], ['builds/runs/', 'manifests/']),
        objects(bucket, ['GetObject'], ['builds/cdn/']),
        objects(bucket, ['PutObject'], ['sites/', 'assets/']),
        objects(bucket, ['DeleteObject'], ['sites/']),
        listing(bucket),
      ],
      invalidate: [
        lease,
        tableAccess(table, ['Query']),
        indexQuery(table),
        // Reads the run's pending CDN manifest; records it as what the CDN now matches.
        objects(bucket, ['GetObject'], ['builds/runs/']),
        objects(bucket, ['PutObject'], ['builds/cdn/']),
        listing(bucket),
        // Finds the distribution tenants serving the tenant's domains, then invalidates each.
        ownTenants(props.distributionTenantArns, props.stage, [
          'cloudfront:GetDistributionTenantByDomain',
          'cloudfront:CreateInvalidationForDistributionTenant',
        ]),
      ],
      commit: [
        lease,
        objects(bucket, ['DeleteObject'], ['builds/runs/']),
        // The page now shows the version: its notify run starts (only the commit task may).
        { actions: ['states:StartExecution'], resources: [props.notifyStateMachineArn] },
      ],
      release: [lease],
    };

    this.tasks = Object.fromEntries(
      taskNames.map((task) => [
        task,
        new NodeFunction(this, `task-${task}`, {
          name: `${prefix}-publish-${task}`,
          bundle: props.publisherBundle,
          exportName: task,
          statements: taskStatements[task],
          environment:
            task === 'commit' ? { ...environment, NOTIFY_STATE_MACHINE_ARN: props.notifyStateMachineArn } : environment,
          memorySize: taskMemoryMb(task),
          // The Lambda stops no later than the Task state gives up on it.
          timeout: taskTimeoutSeconds[task],
          logRetentionDays: props.logRetentionDays,
        }),
      ]),
    ) as Record<TaskName, NodeFunction>;
    this.resources = Object.fromEntries(taskNames.map((t) => [t, this.tasks[t].fn.arn])) as PublishResources;

    // The same object aws-local-stepfunctions runs locally; only the Task resources differ.
    this.stateMachine = loggedStateMachine(this, 'publish', {
      prefix,
      accountId: props.accountId,
      logRetentionDays: props.logRetentionDays,
      definition: publishDefinition(this.resources),
      taskArns: taskNames.map((t) => this.tasks[t].fn.arn),
    });

    const startPublish: Statement = { actions: ['states:StartExecution'], resources: [this.stateMachine.arn] };
    this.reconciler = new NodeFunction(this, 'reconciler', {
      name: `${prefix}-reconcile`,
      bundle: props.publisherBundle,
      exportName: 'reconcile',
      statements: [tableAccess(table, ['GetItem', 'Query', 'UpdateItem']), indexQuery(table), startPublish],
      environment: { ...environment, STATE_MACHINE_ARN: this.stateMachine.arn },
      timeout: 60,
      logRetentionDays: props.logRetentionDays,
    });
    this.checker = new NodeFunction(this, 'checker', {
      name: `${prefix}-checker`,
      bundle: props.checkerBundle,
      exportName: 'handler',
      statements: [
        tableAccess(table, ['GetItem', 'Query', 'PutItem', 'UpdateItem']),
        indexQuery(table),
        // A status flip or a day rollover publishes the tenant's page.
        startPublish,
      ],
      environment: { TABLE_NAME: table.name, STATE_MACHINE_ARN: this.stateMachine.arn },
      // A run must finish before the next minute's run starts.
      timeout: 55,
      logRetentionDays: props.logRetentionDays,
    });

    const scheduled = [
      { id: 'checker', fn: this.checker, rate: 'rate(1 minute)', maxAge: 60 },
      { id: 'reconciler', fn: this.reconciler, rate: 'rate(5 minutes)', maxAge: 300 },
    ];
    const schedulerRole = serviceRole(this, 'scheduler-role', {
      name: `${prefix}-scheduler`,
      service: 'scheduler.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [{ actions: ['lambda:InvokeFunction'], resources: scheduled.map((s) => s.fn.fn.arn) }],
    });
    for (const s of scheduled) {
      new SchedulerSchedule(this, `schedule-${s.id}`, {
        name: `${prefix}-${s.id}`,
        scheduleExpression: s.rate,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: s.fn.fn.arn,
          roleArn: schedulerRole.arn,
          // A run that could not start within its interval is superseded by the next one.
          retryPolicy: { maximumEventAgeInSeconds: s.maxAge, maximumRetryAttempts: 0 },
        },
      });
    }
  }
}
