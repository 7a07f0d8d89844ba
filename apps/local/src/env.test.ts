import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';

describe('readEnv', () => {
  it('defaults to the documented ports', () => {
    expect(readEnv({})).toMatchObject({ UPSTATE_API_PORT: 3000, UPSTATE_EDGE_PORT: 8080, UPSTATE_MAIL_PORT: 8005 });
  });

  it('names the variable that is wrong', () => {
    expect(() => readEnv({ UPSTATE_EDGE_PORT: 'eighty' })).toThrow(/UPSTATE_EDGE_PORT/);
    expect(() => readEnv({ UPSTATE_API_PORT: '70000' })).toThrow(/UPSTATE_API_PORT/);
  });
});
