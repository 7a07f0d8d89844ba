import { describe, expect, it } from 'vitest';
import { AppError, errorCodes, isAppError } from './errors.ts';

describe('AppError', () => {
  it('carries the HTTP status of its code and the offending field', () => {
    const error = new AppError('validation_failed', 'name is required', { field: 'name' });
    expect(error.status).toBe(400);
    expect(error.field).toBe('name');
    expect(isAppError(error)).toBe(true);
  });

  it('maps every code to a 4xx except internal', () => {
    for (const [code, status] of Object.entries(errorCodes)) {
      if (code === 'internal') expect(status).toBe(500);
      else expect(status >= 400 && status < 500).toBe(true);
    }
  });
});
