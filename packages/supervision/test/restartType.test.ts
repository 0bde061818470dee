import { describe, expect, it } from 'vitest';
import { RESTART_TYPES, isRestartType, shouldRestart, type ChildExit, type RestartType } from '../src/index.js';

const normal: ChildExit = { kind: 'normal' };
const shutdown: ChildExit = { kind: 'shutdown' };
const failed: ChildExit = { kind: 'failed', reason: 'trap' };
const EXITS: Record<ChildExit['kind'], ChildExit> = { normal, shutdown, failed };

describe('shouldRestart', () => {
  it.each<[verb: string, type: RestartType, exit: ChildExit['kind'], restarts: boolean]>([
    ['restarts', 'permanent', 'normal', true],
    ['restarts', 'permanent', 'shutdown', true],
    ['restarts', 'permanent', 'failed', true],
    ['does not restart', 'transient', 'normal', false],
    ['does not restart', 'transient', 'shutdown', false],
    ['restarts', 'transient', 'failed', true],
    ['does not restart', 'temporary', 'normal', false],
    ['does not restart', 'temporary', 'shutdown', false],
    ['does not restart', 'temporary', 'failed', false],
  ])('%s a %s child after a %s exit', (_verb, type, kind, restarts) => {
    expect(shouldRestart(type, EXITS[kind])).toBe(restarts);
  });

  it('ignores the reason of a failed exit', () => {
    expect(shouldRestart('transient', { kind: 'failed', reason: '' })).toBe(true);
  });

  it('rejects an unknown restart type with a RangeError', () => {
    expect(() => shouldRestart('forever' as RestartType, failed)).toThrow(
      new RangeError('unknown restart type "forever"; expected one of permanent, transient, temporary'),
    );
  });

  it('rejects an unknown exit kind with a RangeError, whatever the restart type', () => {
    const crashed = { kind: 'crashed' } as unknown as ChildExit;
    for (const type of RESTART_TYPES) {
      expect(() => shouldRestart(type, crashed)).toThrow(
        new RangeError('unknown child exit kind "crashed"; expected normal, shutdown or failed'),
      );
    }
  });
});

describe('isRestartType', () => {
  it.each<[verdict: string, value: unknown, valid: boolean]>([
    ['accepts', 'permanent', true],
    ['accepts', 'transient', true],
    ['accepts', 'temporary', true],
    ['rejects', 'Permanent', false],
    ['rejects', '', false],
    ['rejects', undefined, false],
  ])('%s %j as a restart type', (_verdict, value, valid) => {
    expect(isRestartType(value)).toBe(valid);
  });
});
