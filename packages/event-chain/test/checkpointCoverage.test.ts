import { describe, expect, it } from 'vitest';
import { checkpointCoverage } from '../src/checkpointCoverage.js';

describe('checkpointCoverage', () => {
  it('counts the events the newest checkpoint covers and those after it', () => {
    expect(checkpointCoverage(13, [{ seq: 12 }])).toEqual({ signedEvents: 13, unsignedEvents: 0 });
    expect(checkpointCoverage(13, [{ seq: 9 }, { seq: 4 }])).toEqual({ signedEvents: 10, unsignedEvents: 3 });
  });

  it('leaves every event unsigned when there is no checkpoint', () => {
    expect(checkpointCoverage(13, [])).toEqual({ signedEvents: 0, unsignedEvents: 13 });
    expect(checkpointCoverage(0, [])).toEqual({ signedEvents: 0, unsignedEvents: 0 });
  });

  it('covers no more than the chain when a checkpoint lies past its end', () => {
    expect(checkpointCoverage(5, [{ seq: 9 }])).toEqual({ signedEvents: 5, unsignedEvents: 0 });
  });

  it('refuses counts and seqs that are not non-negative integers', () => {
    expect(() => checkpointCoverage(-1, [])).toThrow(RangeError);
    expect(() => checkpointCoverage(3, [{ seq: 1.5 }])).toThrow('expected checkpoint seqs as non-negative integers, got 1.5');
  });
});
