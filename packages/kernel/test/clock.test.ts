/** The injectable clock: the system clock, the older function form, and a test clock that moves only when told. */
import { describe, expect, it } from 'vitest';
import { systemClock, toClock } from '../src/clock.js';
import { TestClock } from '../src/testClock.js';

describe('TestClock', () => {
  it('stands still until advanced, then moves wall and monotonic time together', async () => {
    const clock = new TestClock(1_700_000_000_000);
    expect([clock.now(), clock.monotonic()]).toEqual([1_700_000_000_000, 0]);
    await new Promise((resolve) => setImmediate(resolve));
    expect([clock.now(), clock.monotonic()]).toEqual([1_700_000_000_000, 0]);
    await clock.advance(250);
    expect([clock.now(), clock.monotonic()]).toEqual([1_700_000_000_250, 250]);
  });

  it('fires the timers that fall due, in due order, each at its due time, and no others', async () => {
    const clock = new TestClock(0);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.monotonic()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.monotonic()]), 10);
    clock.setTimeout(() => fired.push(['a2', clock.monotonic()]), 10);
    clock.setTimeout(() => fired.push(['late', clock.monotonic()]), 31);
    await clock.advance(30);
    expect(fired).toEqual([
      ['a', 10],
      ['a2', 10],
      ['b', 20],
    ]);
    expect(clock.pendingTimers()).toEqual([1]);
    await clock.advance(1);
    expect(fired.at(-1)).toEqual(['late', 31]);
  });

  it('fires a timer set by an awaited callback of an earlier one when it falls due within the advance', async () => {
    const clock = new TestClock(0);
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms));
    const woke: number[] = [];
    const sleeper = (async () => {
      await sleep(10);
      woke.push(clock.monotonic());
      await sleep(10);
      woke.push(clock.monotonic());
    })();
    await clock.advance(25);
    await sleeper;
    expect(woke).toEqual([10, 20]);
  });

  it('does not fire a cleared timer, and ignores clearing one twice', async () => {
    const clock = new TestClock(0);
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(timer);
    clock.clearTimeout(timer);
    clock.clearTimeout(undefined);
    await clock.advance(10);
    expect(fired).toBe(false);
  });

  it('refuses to go back or to start at a time that is not a number', async () => {
    const clock = new TestClock(0);
    await expect(clock.advance(-1)).rejects.toThrow(new RangeError('expected ms as a finite number >= 0, got -1'));
    expect(() => new TestClock(Number.NaN)).toThrow(new RangeError('expected startAt as a finite number of ms, got NaN'));
  });
});

describe('toClock', () => {
  it('is the system clock by default, and takes a function as the wall time alone', async () => {
    expect(toClock(undefined)).toBe(systemClock);
    const fixed = toClock(() => 42);
    expect(fixed.now()).toBe(42);
    const before = performance.now();
    expect(fixed.monotonic()).toBeGreaterThanOrEqual(before);
    const fired = await new Promise<boolean>((resolve) => fixed.setTimeout(() => resolve(true), 1));
    expect(fired).toBe(true);
    const clock = new TestClock();
    expect(toClock(clock)).toBe(clock);
  });
});
