import { describe, expect, it } from 'vitest';
import { isAbnormalExit, type ChildExit } from '../src/index.js';

const EXITS: Record<ChildExit['kind'], ChildExit> = {
  normal: { kind: 'normal' },
  shutdown: { kind: 'shutdown' },
  failed: { kind: 'failed', reason: 'trap' },
};

describe('isAbnormalExit', () => {
  it.each<[kind: ChildExit['kind'], verdict: string, abnormal: boolean]>([
    ['normal', 'orderly', false],
    ['shutdown', 'orderly', false],
    ['failed', 'abnormal', true],
  ])('classifies a %s exit as %s', (kind, _verdict, abnormal) => {
    expect(isAbnormalExit(EXITS[kind])).toBe(abnormal);
  });

  it('rejects an unknown exit kind with a RangeError', () => {
    expect(() => isAbnormalExit({ kind: 'crashed' } as unknown as ChildExit)).toThrow(
      new RangeError('unknown child exit kind "crashed"; expected normal, shutdown or failed'),
    );
  });
});
