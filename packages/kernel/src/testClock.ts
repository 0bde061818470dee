/**
 * A clock for tests: time stands still until the test advances it, and advancing fires the timers that fall due, in
 * order of their due time (then of their setting). A test of a sleep, a timer or a restart window then states the
 * time it means instead of sleeping through it.
 *
 * One time is not the clock's: a sandbox worker stamps each operation's start with the real wall clock, and the
 * deadline check compares that stamp with the clock's `now()`. Start a test clock at or before the real time (the
 * default, now) so that no operation is past its deadline on arrival; a deadline then passes once the clock has been
 * advanced by the operation's timeout plus the real time since the clock started.
 */
import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  readonly dueAt: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A `Clock` whose time moves only by `advance`.
 * @example
 * const clock = new TestClock();
 * await using system = createActorSystem({ handlers, clock });
 * await clock.advance(1000); // fires every timer due within the next second
 */
export class TestClock implements Clock {
  #wall: number;
  #elapsed = 0;
  #nextOrder = 0;
  readonly #timers = new Map<TimerHandle, PendingTimer>();

  /** `startAt` is the wall time the clock starts at (ms since the epoch); default the real time now. */
  constructor(startAt: number = Date.now()) {
    if (!Number.isFinite(startAt)) throw new RangeError(`expected startAt as a finite number of ms, got ${startAt}`);
    this.#wall = startAt;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#elapsed;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = {};
    // Like Node's timers: a delay that is not a positive number fires on the next advance.
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(handle, { dueAt: this.#elapsed + delay, order: this.#nextOrder++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.#timers.delete(handle);
  }

  /** The time left to each waiting timer, in ms, soonest first (a test waits here for the timer it is about to pass). */
  pendingTimers(): number[] {
    return [...this.#timers.values()].map((timer) => timer.dueAt - this.#elapsed).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing each timer that falls due on the way at its due time; promise callbacks run
   * between timers, so a timer set by what an earlier one woke fires too when it falls due within `ms`.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`expected ms as a finite number >= 0, got ${ms}`);
    const target = this.#elapsed + ms;
    for (let due = this.#nextDue(target); due !== undefined; due = this.#nextDue(target)) {
      const [handle, timer] = due;
      this.#moveTo(timer.dueAt);
      this.#timers.delete(handle);
      timer.callback();
      await settled();
    }
    this.#moveTo(target);
    await settled();
  }

  #nextDue(limit: number): [TimerHandle, PendingTimer] | undefined {
    let next: [TimerHandle, PendingTimer] | undefined;
    for (const entry of this.#timers) {
      const timer = entry[1];
      if (timer.dueAt > limit) continue;
      if (next === undefined || timer.dueAt < next[1].dueAt || (timer.dueAt === next[1].dueAt && timer.order < next[1].order)) next = entry;
    }
    return next;
  }

  #moveTo(elapsed: number): void {
    if (elapsed <= this.#elapsed) return;
    this.#wall += elapsed - this.#elapsed;
    this.#elapsed = elapsed;
  }
}

/** Lets the promise callbacks that fired timers resolved run (a macrotask turn drains every microtask before it). */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
