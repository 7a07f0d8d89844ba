import type { S3Client } from '@aws-sdk/client-s3';
import { executionName, type Invalidator } from '@upstate/aws';
import type { PublishTrigger } from '@upstate/core';
import { renderSite } from '@upstate/render';
import type { Store } from '@upstate/store';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type PublishResources, publishDefinition, type TaskName, taskNames, taskStates } from './definition.ts';
import { createHandlers, type Log, type PublisherDeps, type Renderer, reconcileStale } from './handlers.ts';

/** Lambda-shaped resource strings for local runs; never invoked, every Task has a local handler. */
export const localResources = Object.fromEntries(
  taskNames.map((name) => [name, `arn:aws:lambda:us-east-1:000000000000:function:upstate-local-publish-${name}`]),
) as PublishResources;

let machine: StateMachine | undefined;
// Validating a definition costs ~90 ms: one machine per process, handlers are bound per run.
const localMachine = () => {
  machine ??= new StateMachine(publishDefinition(localResources) as unknown as StateMachineDefinition);
  return machine;
};

export interface ExecutionRecord {
  name: string;
  tenantId: string;
  version: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  /** The state the run ended in (`Published`, `NothingToDo`, `PublishFailed`). */
  endState?: string;
  error?: string;
  cause?: string;
}

export interface LocalPublisherOptions {
  store: Store;
  s3: S3Client;
  bucket: string;
  invalidator: Invalidator;
  log?: Log;
  /** Defaults to `renderSite` through the compiled themes. */
  renderer?: Renderer;
  site?: PublisherDeps['site'];
  leaseTtlMs?: number;
  now?: () => Date;
  /** Overrides every Retry interval (ms); the definition's backoff (1 s, 2 s, 4 s...) otherwise. */
  retryDelayMs?: number;
  /** Executions running at once; more wait their turn (Lambda concurrency plays this part on AWS). */
  concurrency?: number;
  notifyTrigger?: PublisherDeps['notifyTrigger'];
}

/** Executions remembered by `executions()`; older records are dropped first. */
const historyLimit = 10_000;

/**
 * Runs the real publish definition in-process with aws-local-stepfunctions, the Task states bound to
 * the same handlers the Lambdas run.
 * @example const publisher = createLocalPublisher({ store, s3, bucket, invalidator }); createApp({ publishTrigger: publisher.trigger })
 */
export function createLocalPublisher(options: LocalPublisherOptions) {
  // Without a logger, failures still reach stderr: a failed publish must never be silent.
  const log: Log =
    options.log ??
    ((message, detail) => {
      if (message.includes('failed')) console.error(JSON.stringify({ level: 'error', message, ...detail }));
    });
  const handlers = createHandlers({
    store: options.store,
    s3: options.s3,
    bucket: options.bucket,
    invalidator: options.invalidator,
    renderer: options.renderer ?? ((snapshot) => renderSite(snapshot)),
    site: options.site ?? { scheme: 'http', platformDomain: 'localhost:8080' },
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.notifyTrigger ? { notifyTrigger: options.notifyTrigger } : {}),
    log,
  });
  let closed = false;
  const taskResourceLocalHandlers = Object.fromEntries(
    taskNames.map((name: TaskName) => [
      taskStates[name],
      (input: unknown) => {
        // An aborted aws-local-stepfunctions run still finishes its pending retries: after close()
        // they must not touch anything, like the steps of a process that died.
        if (closed) throw Object.assign(new Error('The local publisher is closed'), { name: 'PublisherClosed' });
        return handlers[name](input).catch((error: unknown) => {
          const { name: errorName, message } = error as Error;
          log('publish step failed', { state: taskStates[name], input, error: errorName, cause: message });
          throw error;
        }) as unknown as Promise<never>;
      },
    ]),
  );
  const retryIntervalOverrides =
    options.retryDelayMs === undefined
      ? undefined
      : Object.fromEntries(Object.values(taskStates).map((state) => [state, options.retryDelayMs as number]));

  const started = new Set<string>();
  const running = new Map<string, { abort(): void; done: Promise<void> }>();
  const history: ExecutionRecord[] = [];
  const limit = options.concurrency ?? 8;
  let active = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const freeSlot = () => {
    active--;
    waiting.shift()?.();
  };

  const runOptions = (name: string): RunOptions => ({
    overrides: {
      taskResourceLocalHandlers,
      ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
    },
    context: { Execution: { Name: name, Id: `local:publish:${name}` } },
  });

  const follow = async (execution: ReturnType<StateMachine['run']>, record: ExecutionRecord) => {
    let lastState: string | undefined;
    const events = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') lastState = event.state.name;
      }
    })();
    try {
      await execution.result;
      record.status = 'SUCCEEDED';
    } catch (error) {
      const { name: errorName, message, cause } = error as { name: string; message: string; cause?: unknown };
      record.status = errorName === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
      const inner = cause as { name?: string; message?: string } | undefined;
      record.error = inner?.name ?? errorName;
      record.cause = inner?.message ?? message;
      // A failed publish is loud: it is in the log with its error, and the reconciler retries it.
      if (record.status === 'FAILED') {
        log('publish execution failed', {
          name: record.name,
          tenantId: record.tenantId,
          error: record.error,
          cause: record.cause,
        });
      }
    } finally {
      await events.catch(() => {});
      record.endState = lastState;
    }
  };

  /** Starts an execution unless one of that name ran in this process (Step Functions refuses reuse too). */
  const start = async (tenantId: string, version: number, name: string): Promise<boolean> => {
    if (closed || started.has(name)) return false;
    started.add(name);
    const record: ExecutionRecord = { name, tenantId, version, status: 'RUNNING' };
    history.push(record);
    if (history.length > historyLimit) history.shift();
    let abortRun = () => {};
    const handle = {
      abort: () => {
        record.status = 'ABORTED';
        abortRun();
      },
      done: Promise.resolve(),
    };
    running.set(name, handle);
    handle.done = (async () => {
      await slot();
      try {
        if (record.status === 'ABORTED') return;
        const run = localMachine().run({ tenantId, version }, runOptions(name));
        abortRun = run.abort;
        await follow(run, record);
      } finally {
        freeSlot();
        running.delete(name);
      }
    })();
    return true;
  };

  return {
    /** Idempotent per `{tenantId}-v{version}`, like the Step Functions trigger. */
    trigger: {
      async requestPublish(tenantId: string, contentVersion: number) {
        await start(tenantId, contentVersion, executionName(tenantId, contentVersion));
      },
    } satisfies PublishTrigger,
    /** Starts a publish for every stale tenant without a live lease; resolves to how many started. */
    reconcile(): Promise<number> {
      return reconcileStale({ store: options.store, start, ...(options.now ? { now: options.now } : {}), log });
    },
    /** Resolves once no execution is running (including ones started while waiting). */
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running.values()].map((r) => r.done));
    },
    /** Every execution this publisher started, oldest first. */
    executions(): readonly ExecutionRecord[] {
      return history;
    },
    /** Stops accepting starts and aborts running executions (their leases expire). */
    close(): void {
      closed = true;
      for (const r of [...running.values()]) r.abort();
    },
  };
}

export type LocalPublisher = ReturnType<typeof createLocalPublisher>;
