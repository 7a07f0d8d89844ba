import { AppError, newId } from '@upstate/core';
import { describe, expect, it } from 'vitest';
import { derivedId, operationTime, retryRaces } from './operation.ts';

const race = () => new AppError('conflict', 'changed', { field: 'version' });

describe('retryRaces', () => {
  it('retries a lost race until it lands, and only a race', async () => {
    let calls = 0;
    expect(await retryRaces(async () => (++calls < 4 ? Promise.reject(race()) : 'done'), { baseMs: 1 })).toBe('done');
    expect(calls).toBe(4);
    calls = 0;
    const invalid = new AppError('invalid_transition', 'no', { field: 'status' });
    const refuse = async () => {
      calls++;
      throw invalid;
    };
    await expect(retryRaces(refuse, { baseMs: 1 })).rejects.toBe(invalid);
    expect(calls).toBe(1);
  });

  it('is bounded: after the last attempt the conflict surfaces', async () => {
    let calls = 0;
    await expect(
      retryRaces(async () => (++calls, Promise.reject(race())), { attempts: 5, baseMs: 1 }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(calls).toBe(5);
  });
});

describe('operation ids', () => {
  it('derives the same id from the same operation and label, a different one otherwise, keeping the time prefix', () => {
    const op = newId(Date.parse('2026-12-01T10:00:00.000Z'));
    expect(derivedId(op, 'update')).toBe(derivedId(op, 'update'));
    expect(derivedId(op, 'update')).not.toBe(derivedId(op, 'audit'));
    expect(derivedId(op, 'update')).not.toBe(derivedId(newId(), 'update'));
    expect(derivedId(op, 'update')).toMatch(/^[0-9A-Z]{26}$/);
    expect(derivedId(op, 'update').slice(0, 10)).toBe(op.slice(0, 10));
    expect(operationTime(op)).toBe('2026-12-01T10:00:00.000Z');
  });
});
