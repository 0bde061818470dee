/** The random handler through the conformance suite, driven by the probe test actor. */
import { expect } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, randomHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

testHandlerConformance({
  definition: randomHandler,
  handlers: defaultHandlers(),
  // Seed 42, at most 64 bytes a call.
  manifest: testActorManifest('probe'),
  async drive({ ask }) {
    expect(await ask('bytes 8')).toMatch(/^[0-9a-f]{16}$/);
    expect(Number(await ask('range 1 10'))).toBeGreaterThanOrEqual(1);
    expect(Number(await ask('float'))).toBeLessThan(1);
    expect(await ask('uuid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  },
  denial: { request: 'bytes 65', function: 'random-bytes', error: 'permission-denied: 65 random bytes requested; max_bytes is 64' },
  invalidConfigs: [
    { table: 'type = "random"\nmax_bytes = 0', field: 'max_bytes' },
    { table: 'type = "random"\nseed = -1', field: 'seed' },
  ],
  excess: {
    pairs: [
      { narrow: { type: 'random', maxBytes: 64 }, wide: { type: 'random', maxBytes: 65 }, excess: "max_bytes 65 exceeds the parent's 64" },
    ],
  },
});
