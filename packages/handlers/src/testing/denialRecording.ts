/**
 * Check 4: a denial is recorded and returned as a typed error. The call the grant refuses reaches the actor as an
 * `err` (the test actor replies `error:<message>`) and stands in the chain as its host-call event with that `error`.
 */
import { describe, expect, it } from 'vitest';
import { hostCallEvent, type HandlerConfig } from '@theater/kernel';
import type { RunRecord } from './conformanceRun.js';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';

const ERROR_REPLY = 'error:';

/** Registers check 4 for `spec`, on the run `recorded()` returns. */
export function describeDenialRecording<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>, recorded: () => RunRecord): void {
  const { denial } = spec;
  describe('a denial is recorded and returned as a typed error', () => {
    if (!('request' in denial)) {
      it.skip(`refuses nothing: ${denial.nothingToRefuse}`, () => {});
      return;
    }
    const type = `${denial.interface ?? spec.definition.provides[0]}.${denial.function}`;
    it(`returns the refusal of ${type} to the actor as an error`, () => {
      const reply = recorded().denialReply ?? '';
      expect(reply.startsWith(ERROR_REPLY), `the actor replied ${JSON.stringify(reply)}`).toBe(true);
      const message = reply.slice(ERROR_REPLY.length);
      if (typeof denial.error === 'string') expect(message).toContain(denial.error);
      else expect(message).toMatch(denial.error);
    });
    it(`records the refusal as the ${type} event's error`, () => {
      const { events, denialReply } = recorded();
      const event = events.filter((candidate) => candidate.type === type).at(-1);
      expect(event, `no ${type} event in the chain`).toBeDefined();
      expect(hostCallEvent.decode(event!, type).error).toBe(denialReply?.slice(ERROR_REPLY.length));
    });
  });
}
