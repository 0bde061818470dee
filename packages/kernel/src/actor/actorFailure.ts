/** Why an actor failed: the `wit-error-type` reported to supervisors, with a message. */
import type { SandboxFailure } from '../sandbox/sandbox.js';
import type { Operation } from './operationQueue.js';

import { ACTOR_INTERFACE as ACTOR } from '../component/checkCompatibility.js';

/** The failure reasons the kernel distinguishes (a subset of WIT `wit-error-type`). */
export type FailureReason = 'init-failed' | 'guest-error' | 'trap' | 'out-of-memory' | 'operation-timeout' | 'internal';

/** An actor's failure. */
export interface ActorFailure {
  readonly reason: FailureReason;
  readonly message: string;
  /** The export that was running, as `interface#function`, when it failed. */
  readonly during: string | undefined;
}

/**
 * The failure of an actor whose sandbox failed while running `op` (if known): a failed `init` is `init-failed`
 * unless it ran out of time or memory, and a timeout names the manifest limit that set its deadline.
 */
export function operationFailure(op: Operation | undefined, failure: SandboxFailure): ActorFailure {
  const during = op === undefined ? undefined : `${op.iface}#${op.fn}`;
  const reason: FailureReason =
    op?.iface === ACTOR && failure.kind !== 'operation-timeout' && failure.kind !== 'out-of-memory' ? 'init-failed' : failure.kind;
  // The sandbox knows the deadline, not which limit of the manifest set it.
  const message =
    failure.kind === 'operation-timeout' && op !== undefined
      ? `operation ran past its ${op.timeoutMs} ms deadline (limits.${op.limit})`
      : failure.message;
  return { reason, message, during };
}
