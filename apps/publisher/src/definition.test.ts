import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { type PublishResources, publishDefinition, taskNames, taskStates } from './definition.ts';

const arns = Object.fromEntries(
  taskNames.map((n) => [n, `arn:aws:lambda:eu-west-1:123456789012:function:upstate-publisher-${n}`]),
) as PublishResources;

type State = {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Next?: string;
};

describe('publishDefinition', () => {
  const definition = publishDefinition(arns);
  const states = definition.States as Record<string, State>;

  it('is valid Amazon States Language with real Lambda ARNs (asl-validator, ARN and path checks on)', () => {
    // A fresh copy: asl-validator writes defaults (QueryLanguage) into the object it checks.
    expect(() => new StateMachine(publishDefinition(arns) as unknown as StateMachineDefinition)).not.toThrow();
  });

  it('is plain JSON, the same for the same ARNs (infra deploys exactly this object)', () => {
    expect(JSON.parse(JSON.stringify(definition))).toEqual(publishDefinition(arns));
    const text = JSON.stringify(definition);
    // aws-local-stepfunctions silently ignores these: the definition must not depend on them.
    for (const unsupported of ['JSONata', '"Assign"', '"Arguments"', '"Output"', 'ItemReader', 'DISTRIBUTED']) {
      expect(text).not.toContain(unsupported);
    }
    expect(definition.QueryLanguage).toBe('JSONPath');
  });

  it('binds each task name to its Task state and resource', () => {
    for (const name of taskNames) {
      expect(states[taskStates[name]]).toMatchObject({ Type: 'Task', Resource: arns[name] });
    }
    expect(Object.values(states).filter((s) => s.Type === 'Task')).toHaveLength(taskNames.length);
  });

  it('gives every Task a Retry with backoff and a Catch that releases the lease, then fails visibly', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      const catchAll = state.Retry?.find((r) => r.ErrorEquals.includes('States.ALL'));
      expect(catchAll, name).toMatchObject({ IntervalSeconds: 1, BackoffRate: 2 });
      expect(catchAll?.MaxAttempts, name).toBeGreaterThanOrEqual(3);
      const next = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next;
      expect(next, name).toBe(name === taskStates.release ? 'PublishFailed' : taskStates.release);
    }
    expect(states[taskStates.release]?.Next).toBe('PublishFailed');
    expect(states.PublishFailed?.Type).toBe('Fail');
  });

  it('retries a throttled invalidation longer than other errors, and never retries a lost lease', () => {
    const retry = states[taskStates.invalidate]?.Retry ?? [];
    expect(retry.find((r) => r.ErrorEquals.includes('TooManyInvalidationsInProgress'))?.MaxAttempts).toBeGreaterThan(3);
    for (const name of taskNames.filter((n) => n !== 'release')) {
      expect(states[taskStates[name]]?.Retry?.[0]).toMatchObject({
        ErrorEquals: expect.arrayContaining(['LeaseLost']),
        MaxAttempts: 0,
      });
    }
  });

  it('loops from Commit back to Render while the content moved on', () => {
    expect(states[taskStates.commit]?.Next).toBe('ContentMovedOn?');
    expect(definition.States['ContentMovedOn?']).toMatchObject({
      Choices: [{ Variable: '$.more', BooleanEquals: true, Next: taskStates.render }],
      Default: 'Published',
    });
  });
});
