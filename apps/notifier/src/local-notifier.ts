import { reminderExecutionName } from '@upstate/aws';
import type { NotifyTrigger } from '@upstate/core';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  type NotifyResources,
  type NotifyTaskName,
  notifyDefinition,
  notifyExecutionName,
  notifyTaskNames,
  notifyTaskStates,
} from './definition.ts';
import { createNotifyHandlers, type NotifierDeps } from './handlers.ts';

/** Lambda-shaped resource strings for local runs; never invoked, every Task has a local handler. */
export const localNotifyResources = Object.fromEntries(
  notifyTaskNames.map((name) => [name, `arn:aws:lambda:us-east-1:000000000000:function:upstate-local-notify-${name}`]),
) as NotifyResources;

let machine: StateMachine | undefined;
// Validating a definition costs ~90 ms: one machine per process, handlers are bound per run.
const localMachine = () => {
  machine ??= new StateMachine(notifyDefinition(localNotifyResources) as unknown as StateMachineDefinition);
  return machine;
};

export interface NotifyExecution {
  name: string;
  tenantId: string;
  version: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  error?: string;
}

export interface LocalNotifierOptions extends NotifierDeps {
  /** Overrides every Retry interval (ms). */
  retryDelayMs?: number;
  /** Test hook: wraps each Task handler (fault injection). */
  wrapTask?: (state: string, run: (input: unknown) => Promise<unknown>) => (input: unknown) => Promise<unknown>;
}

/**
 * Runs the real notify definition in-process with aws-local-stepfunctions, the Task states bound to
 * the handlers a Lambda would run. `trigger` is the publisher's hook at the commit step.
 * @example const notifier = createLocalNotifier({ store, s3, bucket, senders, links, mailDomain })
 */
export function createLocalNotifier(options: LocalNotifierOptions) {
  const log = options.log ?? (() => {});
  const handlers = createNotifyHandlers(options);
  let closed = false;
  const taskResourceLocalHandlers = Object.fromEntries(
    notifyTaskNames.map((name: NotifyTaskName) => {
      const base = (input: unknown) => {
        if (closed) throw Object.assign(new Error('The local notifier is closed'), { name: 'NotifierClosed' });
        return (handlers[name] as (input: unknown) => Promise<unknown>)(input);
      };
      const run = options.wrapTask ? options.wrapTask(notifyTaskStates[name], base) : base;
      return [
        notifyTaskStates[name],
        (input: unknown) =>
          run(input).catch((error: unknown) => {
            log('notify step failed', {
              state: notifyTaskStates[name],
              error: (error as Error).name,
              cause: (error as Error).message,
            });
            throw error;
          }) as unknown as Promise<never>,
      ];
    }),
  );
  const retryIntervalOverrides =
    options.retryDelayMs === undefined
      ? undefined
      : Object.fromEntries(Object.values(notifyTaskStates).map((state) => [state, options.retryDelayMs as number]));
  const runOptions = (name: string): RunOptions => ({
    overrides: { taskResourceLocalHandlers, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    context: { Execution: { Name: name, Id: `local:notify:${name}` } },
  });

  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const history: NotifyExecution[] = [];

  /** Starts a run; `force` repeats a name that already ran (what an operator's redrive does). */
  const start = (tenantId: string, version: number, force = false, runName?: string): NotifyExecution | undefined => {
    const name = runName ?? notifyExecutionName(tenantId, version);
    if (closed || (started.has(name) && !force)) return undefined;
    started.add(name);
    const record: NotifyExecution = { name, tenantId, version, status: 'RUNNING' };
    history.push(record);
    const done = (async () => {
      try {
        await localMachine().run({ tenantId, version }, runOptions(name)).result;
        record.status = 'SUCCEEDED';
      } catch (error) {
        const { name: errorName, cause } = error as { name: string; cause?: { name?: string; message?: string } };
        record.status = errorName === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
        record.error = cause?.message ?? (error as Error).message;
        log('notify execution failed', { name, tenantId, error: record.error });
      } finally {
        running.delete(name);
      }
    })();
    running.set(name, done);
    return record;
  };

  return {
    /** Idempotent per `{tenantId}-n{version}`, like StartExecution with the same name and input. */
    trigger: {
      async requestNotify(tenantId: string, version: number) {
        start(tenantId, version);
      },
    } satisfies NotifyTrigger,
    /** Runs the same execution name again (a redrive after a crash), and waits for it. */
    async repeat(tenantId: string, version: number): Promise<NotifyExecution | undefined> {
      const record = start(tenantId, version, true);
      await running.get(notifyExecutionName(tenantId, version));
      return record;
    },
    /**
     * The reminder schedule (every minute): starts a run for each tenant whose page shows a maintenance
     * due for its reminder. The run name carries the minute, so a minute never starts two runs; the
     * reminder's own claim keeps it to one message per subscriber however many runs see it.
     */
    async remindDue(tenantIds: readonly string[], at: Date = new Date()): Promise<number> {
      let started = 0;
      for (const tenantId of tenantIds) {
        if (!(await handlers.reminderDue(tenantId))) continue;
        if (start(tenantId, 0, false, reminderExecutionName(tenantId, at))) started++;
      }
      return started;
    },
    handlers,
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running.values()]);
    },
    executions(): readonly NotifyExecution[] {
      return history;
    },
    close(): void {
      closed = true;
    },
  };
}

export type LocalNotifier = ReturnType<typeof createLocalNotifier>;
