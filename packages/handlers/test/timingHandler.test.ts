/** The timing handler on a test clock: the time it reads and the sleeps it waits are the system clock's. */
import { loadManifest, systemClock, TestClock } from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { describe, expect, it } from 'vitest';
import { defaultHandlers, timingHandler, type TimingHandlerConfig } from '../src/index.js';
import { bareContext } from './bareContext.js';

/** The functions of `theater:simple/timing`, as the handler implements them. */
interface Timing {
  now(): bigint;
  sleep(durationMs: bigint): Promise<void>;
  deadline(timestampMs: bigint): Promise<void>;
}

async function timingOn(clock: TestClock): Promise<Timing> {
  const manifest = await loadManifest(testActorManifest('probe'), { handlers: defaultHandlers() });
  const context = bareContext<TimingHandlerConfig>(manifest, { type: 'timing', minSleepMs: 0, maxSleepMs: 1000 }, clock);
  return (timingHandler.create(context) as Record<string, unknown>)['theater:simple/timing'] as Timing;
}

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('timingHandler', () => {
  it('reads the time from the system clock', async () => {
    const clock = new TestClock(1_700_000_000_000);
    const timing = await timingOn(clock);
    expect(timing.now()).toBe(1_700_000_000_000n);
    await clock.advance(1234);
    expect(timing.now()).toBe(1_700_000_001_234n);
  });

  it('sleeps until the clock has moved by the sleep, not before', async () => {
    const clock = new TestClock(0);
    const timing = await timingOn(clock);
    const sleep = timing.sleep(300n);
    await clock.advance(299);
    expect(await settled(sleep)).toBe(false);
    await clock.advance(1);
    expect(await settled(sleep)).toBe(true);
  });

  it('waits for a deadline until the clock reaches it, and not at all for one already past', async () => {
    const clock = new TestClock(10_000);
    const timing = await timingOn(clock);
    const until = timing.deadline(10_500n);
    await clock.advance(499);
    expect(await settled(until)).toBe(false);
    await clock.advance(1);
    expect(await settled(until)).toBe(true);
    expect(await settled(timing.deadline(5_000n))).toBe(true);
  });

  it("refuses a sleep outside the manifest's range without waiting", async () => {
    const clock = new TestClock(0);
    const timing = await timingOn(clock);
    await expect(timing.sleep(5000n)).rejects.toThrow('permission-denied: a sleep of 5000 ms is outside 0..1000 ms');
    expect(clock.pendingTimers()).toEqual([]);
    expect(systemClock.now()).toBeGreaterThan(0);
  });
});
