/**
 * Check 3: every host call is recorded. Each call the kernel made of the handler's host functions has exactly one
 * event `<interface>.<wit-function-name>` in the actor's chain, and no such event stands for a call that was not made.
 */
import { describe, expect, it } from 'vitest';
import { HandlerRegistry, type HandlerConfig, type WitInterface } from '@theater/kernel';
import type { RunRecord } from './conformanceRun.js';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';

/**
 * The chain event type of a call of `jsName` of `iface`, as the kernel records it: with the WIT function name, from
 * the registry's interfaces (theater:simple's and those its handlers bring), else by undoing jco's camelCase (`sendHttp`).
 */
export function hostCallEventType(interfaces: Readonly<Record<string, WitInterface>>, iface: string, jsName: string): string {
  const known = Object.entries(interfaces[iface]?.functions ?? {}).find(([, js]) => js === jsName)?.[0];
  return `${iface}.${known ?? jsName.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Registers check 3 for `spec`, on the run `recorded()` returns. */
export function describeHostCallRecording<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>, recorded: () => RunRecord): void {
  const provided = spec.definition.provides;
  // The registry's interfaces: the handler under test may bring its own beside theater:simple's.
  const interfaces = new HandlerRegistry([...spec.handlers.filter((handler) => handler.type !== spec.definition.type), spec.definition])
    .interfaces;
  describe('every host call is recorded', () => {
    it('has the drive script call the handler', () => {
      const calls = [...recorded().use.calls.values()].reduce((sum, count) => sum + count, 0);
      expect(calls, 'the drive script must make calls of the handler for the other checks to mean anything').toBeGreaterThan(0);
    });
    it(`records each call of ${provided.join(', ')} as one chain event of its function`, () => {
      const { use, events } = recorded();
      const made: Record<string, number> = {};
      for (const [key, count] of use.calls) {
        const dot = key.lastIndexOf('.');
        made[hostCallEventType(interfaces, key.slice(0, dot), key.slice(dot + 1))] = count;
      }
      const inChain: Record<string, number> = {};
      for (const event of events) {
        if (provided.some((iface) => event.type.startsWith(`${iface}.`))) inChain[event.type] = (inChain[event.type] ?? 0) + 1;
      }
      expect(inChain).toEqual(made);
    });
  });
}
