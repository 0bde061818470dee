/** The runtime handler through the conformance suite, driven by the echo test actor. */
import { expect } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, runtimeHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

testHandlerConformance({
  definition: runtimeHandler,
  handlers: defaultHandlers(),
  manifest: testActorManifest('echo'),
  async drive({ actor, ask }) {
    // log (at init and for the send), get-state, get-chain.
    await actor.send(new TextEncoder().encode('hello'));
    expect(await ask('stored')).toBe('{"count":1}');
    expect(Number(await ask('chain'))).toBeGreaterThan(0);
  },
  denial: { nothingToRefuse: "it serves only the actor's own log, state, chain and shutdown: nothing outside the actor is reached" },
  invalidConfigs: [{ table: 'type = "runtime"\nverbose = true', field: 'verbose' }],
  excess: { anyGrantHoldsAnother: 'a runtime grant has no options', grant: { type: 'runtime' } },
});
