/**
 * Check 6: nothing leaks after the actor stops. Once the actor has stopped and its system closed, every exit cleanup
 * the handler registered has run without failing, and the process holds no more resources than before the system
 * was created.
 */
import { describe, expect, it } from 'vitest';
import type { HandlerConfig } from '@theater/kernel';
import type { RunRecord } from './conformanceRun.js';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';

/** Registers check 6 for `spec`, on the run `recorded()` returns. */
export function describeResourceLeaks<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>, recorded: () => RunRecord): void {
  describe('nothing leaks after the actor stops', () => {
    it(`runs every exit cleanup the ${spec.definition.type} handler registered`, () => {
      const { useAfterClose } = recorded();
      expect(useAfterClose.cleanupsFailed).toEqual([]);
      expect(useAfterClose.cleanupsRun).toBe(useAfterClose.cleanupsRegistered);
    });
    it('closes every handle opened while the system ran (timers, sockets, processes, workers, ports)', () => {
      expect(recorded().openHandles).toEqual({});
    });
    it('leaves no more active resources than before the system was created', () => {
      expect(recorded().activeBeyondBaseline).toEqual({});
    });
  });
}
