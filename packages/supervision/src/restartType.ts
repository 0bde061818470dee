/** Restart types: whether a child that exited is to be restarted (OTP `permanent` / `transient` / `temporary`). */
import { isAbnormalExit, type ChildExit } from './childExit.js';

/** Every restart type a child may have. */
export const RESTART_TYPES = ['permanent', 'transient', 'temporary'] as const;

/** A child's restart type. */
export type RestartType = (typeof RESTART_TYPES)[number];

/** True when `value` is a restart type. */
export function isRestartType(value: unknown): value is RestartType {
  return (RESTART_TYPES as readonly unknown[]).includes(value);
}

/**
 * True when a child of restart type `type` that ended with `exit` is to be restarted: a permanent child always, a
 * transient child only after an abnormal (`failed`) exit, a temporary child never.
 *
 * @example
 * shouldRestart('transient', { kind: 'failed', reason: 'trap' }); // true
 * shouldRestart('transient', { kind: 'normal' }); // false
 */
export function shouldRestart(type: RestartType, exit: ChildExit): boolean {
  // Classify the exit first so that an invalid exit is rejected whatever the restart type.
  const abnormal = isAbnormalExit(exit);
  switch (type) {
    case 'permanent':
      return true;
    case 'transient':
      return abnormal;
    case 'temporary':
      return false;
    default: {
      const unknown: never = type;
      throw new RangeError(`unknown restart type ${JSON.stringify(unknown)}; expected one of ${RESTART_TYPES.join(', ')}`);
    }
  }
}
