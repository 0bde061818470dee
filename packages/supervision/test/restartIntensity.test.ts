import type { SupervisionSettings as ManifestSupervision } from '../src/strategy.js';
import { describe, expect, it } from 'vitest';
import { createRestartIntensity } from '../src/index.js';

/** A clock the test moves by hand. */
function manualClock(start = 0): { now: () => number; set: (ms: number) => void } {
  let current = start;
  return { now: () => current, set: (ms) => (current = ms) };
}

describe('createRestartIntensity', () => {
  it('allows exactly maxRestarts restarts within the window', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 3, withinMs: 1000 }, clock.now);
    const decisions = [0, 400, 999].map((at) => {
      clock.set(at);
      return intensity.recordRestart();
    });
    expect(decisions).toEqual([
      { allowed: true, restartsInWindow: 1 },
      { allowed: true, restartsInWindow: 2 },
      { allowed: true, restartsInWindow: 3 },
    ]);
  });

  it('refuses the restart that makes one more than maxRestarts within the window', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 3, withinMs: 1000 }, clock.now);
    for (const at of [0, 1, 2]) {
      clock.set(at);
      intensity.recordRestart();
    }
    clock.set(3);
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 4 });
  });

  it('refuses restarts made at the same instant once maxRestarts is reached', () => {
    const intensity = createRestartIntensity({ maxRestarts: 2, withinMs: 10 }, () => 42);
    expect([intensity.recordRestart(), intensity.recordRestart(), intensity.recordRestart()]).toEqual([
      { allowed: true, restartsInWindow: 1 },
      { allowed: true, restartsInWindow: 2 },
      { allowed: false, restartsInWindow: 3 },
    ]);
  });

  it('stops counting restarts older than the window', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 2, withinMs: 1000 }, clock.now);
    clock.set(0);
    intensity.recordRestart();
    clock.set(500);
    intensity.recordRestart();
    clock.set(1001);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 2 });
    clock.set(1501);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 2 });
  });

  it('counts a restart exactly withinMs old as inside the window, as OTP does', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 1000 }, clock.now);
    clock.set(0);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 1 });
    clock.set(1000);
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 2 });
  });

  it('forgets every earlier restart after a quiet period of more than withinMs', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 100 }, clock.now);
    for (let at = 0; at < 10_000; at += 1) {
      clock.set(at);
      intensity.recordRestart();
    }
    clock.set(20_000);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 1 });
  });

  it('keeps the restart count bounded by the window while restarts keep coming', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 5, withinMs: 10 }, clock.now);
    let last = { allowed: true, restartsInWindow: 0 };
    for (let at = 0; at < 1000; at += 1) {
      clock.set(at);
      last = intensity.recordRestart();
      expect(last.restartsInWindow).toBeLessThanOrEqual(11);
    }
    expect(last).toEqual({ allowed: false, restartsInWindow: 11 });
  });

  it('refuses the first restart when maxRestarts is 0', () => {
    const intensity = createRestartIntensity({ maxRestarts: 0, withinMs: 5000 }, () => 0);
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 1 });
  });

  it('refuses a restart with maxRestarts 0 even after the window has passed', () => {
    const clock = manualClock();
    const intensity = createRestartIntensity({ maxRestarts: 0, withinMs: 10 }, clock.now);
    intensity.recordRestart();
    clock.set(1000);
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 1 });
  });

  it('takes a manifest supervision section as its options', () => {
    const supervision: ManifestSupervision = { strategy: 'one-for-all', maxRestarts: 1, withinMs: 5000 };
    const intensity = createRestartIntensity(supervision, () => 0);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 1 });
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 2 });
  });

  it('uses a monotonic clock by default', () => {
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 60_000 });
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 1 });
    expect(intensity.recordRestart()).toEqual({ allowed: false, restartsInWindow: 2 });
  });

  it('does not count restarts stamped in the future by a clock that went backwards', () => {
    const clock = manualClock(1000);
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 100 }, clock.now);
    intensity.recordRestart();
    clock.set(500);
    expect(intensity.recordRestart()).toEqual({ allowed: true, restartsInWindow: 1 });
  });

  it.each<[maxRestarts: number, withinMs: number, message: string]>([
    [-1, 1000, 'expected maxRestarts to be a non-negative integer, got -1'],
    [1.5, 1000, 'expected maxRestarts to be a non-negative integer, got 1.5'],
    [Number.NaN, 1000, 'expected maxRestarts to be a non-negative integer, got NaN'],
    [3, 0, 'expected withinMs to be a positive integer, got 0'],
    [3, -5, 'expected withinMs to be a positive integer, got -5'],
    [3, Infinity, 'expected withinMs to be a positive integer, got Infinity'],
  ])('rejects maxRestarts %s within %s ms with a RangeError', (maxRestarts, withinMs, message) => {
    expect(() => createRestartIntensity({ maxRestarts, withinMs })).toThrow(new RangeError(message));
  });

  it('rejects a clock that returns a non-finite time with a RangeError', () => {
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 10 }, () => Number.NaN);
    expect(() => intensity.recordRestart()).toThrow(new RangeError('expected the clock to return a finite number, got NaN'));
  });
});
