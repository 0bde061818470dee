/**
 * Check 5: replay answers from the chain with no side effect. Replaying the stopped actor's chain reproduces it hash
 * for hash while the handler is neither created nor called, and the outside world the spec observes stays as it was.
 */
import { describe, expect, it } from 'vitest';
import type { HandlerConfig } from '@theater/kernel';
import type { RunRecord } from './conformanceRun.js';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';

/** Registers check 5 for `spec`, on the run `recorded()` returns. */
export function describeReplayWithoutEffects<C extends HandlerConfig, F>(
  spec: HandlerConformanceSpec<C, F>,
  recorded: () => RunRecord,
): void {
  describe('replay answers from the chain with no side effect', () => {
    it('replays the chain hash for hash', () => {
      const { replay, events, actorId } = recorded();
      expect(replay.divergence).toBeUndefined();
      expect(replay).toMatchObject({ ok: true, actorId, events: events.length });
    });
    it('neither creates nor calls the handler during the replay', () => {
      const { use, useAfterReplay } = recorded();
      expect(useAfterReplay.created).toBe(use.created);
      expect(Object.fromEntries(useAfterReplay.calls)).toEqual(Object.fromEntries(use.calls));
    });
    if (spec.sideEffects === undefined) return;
    it('leaves the outside world as it was', () => {
      const { sideEffects } = recorded();
      expect(sideEffects?.after).toEqual(sideEffects?.before);
    });
  });
}
