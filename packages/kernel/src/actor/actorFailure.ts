/** Why an actor failed: the `wit-error-type` reported to supervisors, with a message. */

/** The failure reasons the kernel distinguishes (a subset of WIT `wit-error-type`). */
export type FailureReason =
  | 'init-failed'
  | 'guest-error'
  | 'trap'
  | 'out-of-memory'
  | 'operation-timeout'
  | 'internal';

/** An actor's failure. */
export interface ActorFailure {
  readonly reason: FailureReason;
  readonly message: string;
  /** The export that was running, as `interface#function`, when it failed. */
  readonly during: string | undefined;
}
