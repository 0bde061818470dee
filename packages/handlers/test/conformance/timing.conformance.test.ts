/** The timing handler through the conformance suite, driven by the probe test actor. */
import { expect } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, timingHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

testHandlerConformance({
  definition: timingHandler,
  handlers: defaultHandlers(),
  // Grants sleeps of 0..1000 ms.
  manifest: testActorManifest('probe'),
  async drive({ ask }) {
    expect(Number(await ask('now'))).toBeGreaterThan(0);
    expect(await ask('sleep 1')).toBe('slept');
  },
  denial: { request: 'sleep 5000', function: 'sleep', error: 'permission-denied: a sleep of 5000 ms is outside 0..1000 ms' },
  invalidConfigs: [
    { table: 'type = "timing"\nmin_sleep_ms = 5000\nmax_sleep_ms = 1000', field: 'min_sleep_ms' },
    { table: 'type = "timing"\nmax_sleep_ms = -1', field: 'max_sleep_ms' },
    { table: 'type = "timing"\nsleep = true', field: 'sleep' },
  ],
  excess: {
    pairs: [
      {
        narrow: { type: 'timing', minSleepMs: 0, maxSleepMs: 1000 },
        wide: { type: 'timing', minSleepMs: 0, maxSleepMs: 5000 },
        excess: "exceed the parent's 0..1000 ms",
      },
      {
        narrow: { type: 'timing', minSleepMs: 10, maxSleepMs: 1000 },
        wide: { type: 'timing', minSleepMs: 0, maxSleepMs: 1000 },
        excess: "exceed the parent's 10..1000 ms",
      },
    ],
  },
});
