/** The shape of one recorded event of an actor's chain. */

/** One event: what happened to an actor (a call into it, a host call it made, a lifecycle step). */
export interface ChainEvent {
  /** Position in the actor's chain, from 0. */
  readonly seq: number;
  /** Hash of the previous event, `null` for the first. */
  readonly parent: Uint8Array | null;
  /** SHA-256 of this event (see README: provisional format 0). */
  readonly hash: Uint8Array;
  /** Namespaced type: `actor.spawn`, `wasm.call`, `theater:simple/runtime.log`, … */
  readonly type: string;
  /** The step's inputs and outputs, as JSON bytes (see `encodeEventData`). */
  readonly data: Uint8Array;
  /** Wall-clock time in ms since the epoch. */
  readonly time: number;
}

/** What a caller supplies to record an event; the recorder adds position and hashes. */
export interface EventInput {
  readonly type: string;
  readonly data: Uint8Array;
  readonly time: number;
}
