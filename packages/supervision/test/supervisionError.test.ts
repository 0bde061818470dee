import { describe, expect, it } from 'vitest';
import { SupervisionError, isSupervisionError } from '../src/index.js';

describe('SupervisionError', () => {
  it('carries its code, message and cause', () => {
    const cause = new Error('child c failed: trap');
    const error = new SupervisionError('intensity-exceeded', 'more than 3 restarts within 5000 ms', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SupervisionError');
    expect(error.code).toBe('intensity-exceeded');
    expect(error.message).toBe('more than 3 restarts within 5000 ms');
    expect(error.cause).toBe(cause);
  });

  it('is recognised by isSupervisionError, with or without a code', () => {
    const error = new SupervisionError('intensity-exceeded', 'too many restarts');
    expect(isSupervisionError(error)).toBe(true);
    expect(isSupervisionError(error, 'intensity-exceeded')).toBe(true);
    expect(isSupervisionError(new Error('too many restarts'))).toBe(false);
    expect(isSupervisionError({ code: 'intensity-exceeded' })).toBe(false);
  });
});
