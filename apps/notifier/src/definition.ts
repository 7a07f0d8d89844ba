// The notify workflow in Amazon States Language (JSONPath query language). Like the publish workflow,
// this one object is deployed by infra (with Lambda ARNs) and run locally by aws-local-stepfunctions
// (with local handlers bound to its Task states). No JSONata, no Assign, no distributed Map.
//
// Collect claims the new entries the page now shows and splits the tenant's subscribers into id ranges;
// an inline Map sends each range (the payload carries two ids per range, never addresses); Finish marks
// the entries complete. Exactly once comes from the delivery claims, so every Task may safely retry.

export const notifyTaskNames = ['collect', 'page', 'finish'] as const;
export type NotifyTaskName = (typeof notifyTaskNames)[number];
export type NotifyResources = Record<NotifyTaskName, string>;

export const notifyTaskStates = {
  collect: 'Collect',
  page: 'DeliverRange',
  finish: 'Finish',
} as const satisfies Record<NotifyTaskName, string>;

/** Ranges sent at once: bounds the fan-out per tenant (fairness) and the concurrent SES/webhook calls. */
export const mapConcurrency = 8;

export const notifyTaskTimeoutSeconds: Record<NotifyTaskName, number> = { collect: 60, page: 300, finish: 30 };

const retry = [
  { ErrorEquals: ['InvalidInput'], MaxAttempts: 0 },
  {
    ErrorEquals: ['States.ALL'],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

/**
 * The notify state machine. Input `{ tenantId, version }`; execution name `{tenantId}-n{version}`
 * (the run name every claim carries, so a repeated run resumes its own claims).
 */
export function notifyDefinition(resources: NotifyResources) {
  return {
    Comment: 'Upstate notify: claim new published entries, fan out over subscriber ranges, mark complete',
    QueryLanguage: 'JSONPath',
    StartAt: notifyTaskStates.collect,
    TimeoutSeconds: 3600,
    States: {
      [notifyTaskStates.collect]: {
        Type: 'Task',
        Resource: resources.collect,
        Parameters: { 'tenantId.$': '$.tenantId', 'version.$': '$.version', 'run.$': '$$.Execution.Name' },
        TimeoutSeconds: notifyTaskTimeoutSeconds.collect,
        Retry: retry,
        Next: 'AnythingToSend?',
      },
      'AnythingToSend?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.hasWork', BooleanEquals: true, Next: 'FanOut' }],
        Default: 'NothingToNotify',
      },
      NothingToNotify: { Type: 'Succeed' },
      FanOut: {
        Type: 'Map',
        ItemsPath: '$.ranges',
        ItemSelector: {
          'tenantId.$': '$.tenantId',
          'run.$': '$.run',
          'entryKeys.$': '$.entryKeys',
          'range.$': '$$.Map.Item.Value',
        },
        MaxConcurrency: mapConcurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: notifyTaskStates.page,
          States: {
            [notifyTaskStates.page]: {
              Type: 'Task',
              Resource: resources.page,
              TimeoutSeconds: notifyTaskTimeoutSeconds.page,
              Retry: retry,
              // Only counts come back; the Map's result is dropped so the payload stays small.
              End: true,
            },
          },
        },
        ResultPath: null,
        Next: notifyTaskStates.finish,
      },
      [notifyTaskStates.finish]: {
        Type: 'Task',
        Resource: resources.finish,
        Parameters: { 'tenantId.$': '$.tenantId', 'entryKeys.$': '$.entryKeys' },
        TimeoutSeconds: notifyTaskTimeoutSeconds.finish,
        Retry: retry,
        End: true,
      },
    },
  };
}

export type NotifyDefinition = ReturnType<typeof notifyDefinition>;

/** The execution name of the notify run of one committed version (the publisher's commit starts it by this name). */
export { notifyExecutionName } from '@upstate/aws';
