/**
 * @theater/handlers/testing: the handler conformance suite. A handler's test file calls `testHandlerConformance`
 * with its spec; the suite registers vitest tests of what every handler owes the kernel and its actors.
 */
import { beforeAll, describe } from 'vitest';
import type { HandlerConfig } from '@theater/kernel';
import { describeConfigValidation } from './configValidation.js';
import { runHandler, type RunRecord } from './conformanceRun.js';
import { describeDenialRecording } from './denialRecording.js';
import { describeGrantExcess } from './grantExcess.js';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';
import { describeHostCallRecording } from './hostCallRecording.js';
import { describeReplayWithoutEffects } from './replayWithoutEffects.js';
import { describeResourceLeaks } from './resourceLeaks.js';

export type {
  ConformanceRun,
  Denial,
  ExcessCases,
  ExcessPair,
  HandlerConformanceSpec,
  InvalidConfig,
  NoDenial,
} from './handlerConformanceSpec.js';

/**
 * Registers the conformance tests of one handler: config validation errors name the field; a child never gets more
 * than its parent; every host call is recorded; a denial is recorded and returned as a typed error; replay answers
 * from the chain with no side effect; nothing leaks after the actor stops. The last four share one run of the actor.
 * @example
 * // test/conformance/timing.conformance.test.ts
 * testHandlerConformance({ definition: timingHandler, handlers: defaultHandlers(), manifest: testActorManifest('probe'), … });
 */
export function testHandlerConformance<C extends HandlerConfig, F = undefined>(spec: HandlerConformanceSpec<C, F>): void {
  describe(`the ${spec.definition.type} handler conforms`, () => {
    describeConfigValidation(spec);
    describeGrantExcess(spec);
    describe('in a running actor', () => {
      let record: RunRecord | undefined;
      beforeAll(async () => {
        record = await runHandler(spec);
      });
      const recorded = (): RunRecord => {
        if (record === undefined) throw new Error(`the ${spec.definition.type} actor's run did not complete`);
        return record;
      };
      describeHostCallRecording(spec, recorded);
      describeDenialRecording(spec, recorded);
      describeReplayWithoutEffects(spec, recorded);
      describeResourceLeaks(spec, recorded);
    });
  });
}
