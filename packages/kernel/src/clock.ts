/**
 * The one clock of an actor system: wall time for what is recorded, monotonic time for what is measured, and the
 * timers deadlines sleep on. Injected so that tests move time by hand instead of sleeping (see `TestClock`).
 */

/** A timer, as `Clock.setTimeout` returns it: opaque, only good for `Clock.clearTimeout` of the same clock. */
export type TimerHandle = object;

/** Time and timers. */
export interface Clock {
  /** Wall time in ms since the epoch (what events record). */
  now(): number;
  /** Monotonic time in ms from an arbitrary origin, for durations and windows (never jumps back). */
  monotonic(): number;
  /**
   * Calls `callback` once, `ms` from now. A timer that should not keep the process alive (a watchdog) passes
   * `{ unref: true }`.
   */
  setTimeout(callback: () => void, ms: number, options?: { readonly unref?: boolean }): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock: `Date.now`, `performance.now` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms, options) {
    const timer = setTimeout(callback, ms);
    if (options?.unref === true) timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * A clock given as `ActorSystemOptions.clock`: a `Clock`, or (the older form) a function giving wall time, which
 * then replaces only the system clock's wall time.
 */
export function toClock(clock: Clock | (() => number) | undefined): Clock {
  if (clock === undefined) return systemClock;
  if (typeof clock === 'function') return { ...systemClock, now: clock };
  return clock;
}
