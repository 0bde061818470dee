/** Restart intensity: how many restarts a supervisor may make within a sliding time window (OTP intensity/period). */
import type { SupervisionSettings } from './strategy.js';

/** The limit: at most `maxRestarts` restarts within any `withinMs` milliseconds. */
export type RestartIntensityOptions = Pick<SupervisionSettings, 'maxRestarts' | 'withinMs'>;

/** A monotonic clock in milliseconds. */
export type Clock = () => number;

/** The outcome of recording one restart. */
export interface RestartIntensityDecision {
  /** False when the restart exceeds the intensity: the supervisor must stop its children and fail instead. */
  readonly allowed: boolean;
  /** Restarts within the window, the one just recorded included. */
  readonly restartsInWindow: number;
}

/** Counts a supervisor's restarts within a sliding window. */
export interface RestartIntensity {
  /** Records a restart made now and tells whether it stays within the intensity. */
  recordRestart(): RestartIntensityDecision;
}

const defaultClock: Clock = () => performance.now();

/**
 * Creates a restart counter: a restart is allowed while no more than `maxRestarts` restarts (itself included)
 * happened in the last `withinMs` milliseconds. A restart exactly `withinMs` old still counts, as in OTP.
 *
 * @example
 * const intensity = createRestartIntensity({ maxRestarts: 3, withinMs: 5000 });
 * if (!intensity.recordRestart().allowed) {
 *   // stop the remaining children, fail the supervisor and escalate to its parent
 * }
 */
export function createRestartIntensity(options: RestartIntensityOptions, clock: Clock = defaultClock): RestartIntensity {
  const { maxRestarts, withinMs } = options;
  if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0) {
    throw new RangeError(`expected maxRestarts to be a non-negative integer, got ${String(maxRestarts)}`);
  }
  if (!Number.isSafeInteger(withinMs) || withinMs <= 0) {
    throw new RangeError(`expected withinMs to be a positive integer, got ${String(withinMs)}`);
  }
  if (typeof clock !== 'function') {
    throw new TypeError(`expected clock to be a function, got ${typeof clock}`);
  }
  // Timestamps of the restarts inside the window, oldest first; older ones are dropped on every call.
  let restarts: number[] = [];
  return {
    recordRestart() {
      const now = clock();
      if (!Number.isFinite(now)) throw new RangeError(`expected the clock to return a finite number, got ${String(now)}`);
      const threshold = now - withinMs;
      // Also drops timestamps from the future, which only a clock that went backwards can produce.
      restarts = restarts.filter((at) => at >= threshold && at <= now);
      restarts.push(now);
      // As in OTP, the restart that exceeds the intensity is recorded too; the supervisor fails right after it.
      return { allowed: restarts.length <= maxRestarts, restartsInWindow: restarts.length };
    },
  };
}
