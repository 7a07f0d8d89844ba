// The publish workflow in Amazon States Language (JSONPath query language). This one object is
// deployed by infra (with Lambda ARNs) and run locally by aws-local-stepfunctions (with local
// handlers bound to the Task states), so both execute the same transitions, retries and catches.
// aws-local-stepfunctions has no JSONata, no Assign and no distributed Map: none are used.

/** The Task states, one Lambda handler each (`lambda.<name>` in `src/lambda.ts`). */
export const taskNames = ['lease', 'render', 'sync', 'invalidate', 'commit', 'release'] as const;
export type TaskName = (typeof taskNames)[number];

/** The resource string of each Task: Lambda ARNs on AWS, any name locally. */
export type PublishResources = Record<TaskName, string>;

/** The State names of the Task states, for local handler overrides and event logs. */
export const taskStates = {
  lease: 'AcquireLease',
  render: 'Render',
  sync: 'Sync',
  invalidate: 'Invalidate',
  commit: 'Commit',
  release: 'ReleaseAfterFailure',
} as const satisfies Record<TaskName, string>;

/** Errors a handler throws on purpose that no retry can fix. */
export const fatalErrors = ['LeaseLost', 'BuildMissing', 'InvalidInput'];

/** Upper bound of one attempt of each Task; the lease outlives any single attempt (see README). */
export const taskTimeoutSeconds: Record<TaskName, number> = {
  lease: 30,
  render: 120,
  sync: 300,
  invalidate: 300,
  commit: 30,
  release: 30,
};

const retry = (extra: object[] = []) => [
  { ErrorEquals: fatalErrors, MaxAttempts: 0 },
  ...extra,
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
];

// Every Task except the release itself routes any uncaught error to the release, which then fails
// the execution with the original error, so a failed run is visible and never keeps the lease.
const catchToRelease = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: taskStates.release }];

const owner = { 'owner.$': '$$.Execution.Name' };

/**
 * The publish state machine definition. Input: `{ tenantId, version }`; execution name
 * `{tenantId}-v{version}` (the lease owner).
 * @example new StateMachine(publishDefinition({ lease: 'lease', ... }))
 */
export function publishDefinition(resources: PublishResources) {
  return {
    Comment: 'Upstate publish: lease, render, sync to S3, invalidate the CDN, commit; loop while content moved on',
    QueryLanguage: 'JSONPath',
    StartAt: taskStates.lease,
    TimeoutSeconds: 3600,
    States: {
      [taskStates.lease]: {
        Type: 'Task',
        Resource: resources.lease,
        Parameters: { 'tenantId.$': '$.tenantId', 'version.$': '$.version', ...owner },
        TimeoutSeconds: taskTimeoutSeconds.lease,
        Retry: retry(),
        Catch: catchToRelease,
        Next: 'LeaseAcquired?',
      },
      'LeaseAcquired?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.acquired', BooleanEquals: true, Next: taskStates.render }],
        Default: 'NothingToDo',
      },
      // Another run holds the lease (it loops until the content is published) or nothing is stale.
      NothingToDo: { Type: 'Succeed' },
      [taskStates.render]: {
        Type: 'Task',
        Resource: resources.render,
        Parameters: { 'tenantId.$': '$.tenantId', ...owner },
        TimeoutSeconds: taskTimeoutSeconds.render,
        Retry: retry(),
        Catch: catchToRelease,
        Next: taskStates.sync,
      },
      [taskStates.sync]: {
        Type: 'Task',
        Resource: resources.sync,
        Parameters: { 'tenantId.$': '$.tenantId', 'version.$': '$.version', 'build.$': '$.build', ...owner },
        TimeoutSeconds: taskTimeoutSeconds.sync,
        Retry: retry(),
        Catch: catchToRelease,
        Next: taskStates.invalidate,
      },
      [taskStates.invalidate]: {
        Type: 'Task',
        Resource: resources.invalidate,
        Parameters: {
          'tenantId.$': '$.tenantId',
          'version.$': '$.version',
          'build.$': '$.build',
          'paths.$': '$.paths',
          ...owner,
        },
        TimeoutSeconds: taskTimeoutSeconds.invalidate,
        Retry: retry([
          {
            ErrorEquals: ['TooManyInvalidationsInProgress'],
            IntervalSeconds: 5,
            MaxAttempts: 8,
            BackoffRate: 2,
            MaxDelaySeconds: 60,
            JitterStrategy: 'FULL',
          },
        ]),
        Catch: catchToRelease,
        Next: taskStates.commit,
      },
      [taskStates.commit]: {
        Type: 'Task',
        Resource: resources.commit,
        Parameters: { 'tenantId.$': '$.tenantId', 'version.$': '$.version', 'build.$': '$.build', ...owner },
        TimeoutSeconds: taskTimeoutSeconds.commit,
        Retry: retry(),
        Catch: catchToRelease,
        Next: 'ContentMovedOn?',
      },
      // Commit re-took the lease only if contentVersion moved on during the run: render again.
      'ContentMovedOn?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.more', BooleanEquals: true, Next: taskStates.render }],
        Default: 'Published',
      },
      Published: { Type: 'Succeed' },
      [taskStates.release]: {
        Type: 'Task',
        Resource: resources.release,
        Parameters: { 'tenantId.$': '$.tenantId', ...owner },
        ResultPath: null,
        TimeoutSeconds: taskTimeoutSeconds.release,
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
        ],
        // Even when the release keeps failing, the lease expires on its own; the run still fails.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'PublishFailed' }],
        Next: 'PublishFailed',
      },
      PublishFailed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    },
  };
}

export type PublishDefinition = ReturnType<typeof publishDefinition>;
