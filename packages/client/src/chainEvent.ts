/** Chain events as the client hands them out: the same fields as `@theater/event-chain`'s ChainEvent. */
import type { WireEvent } from './apiTypes.js';
import { fromBase64 } from './payload.js';

/** One event of an actor's chain (structurally `@theater/event-chain`'s ChainEvent). */
export interface ChainEvent {
  /** The event format version (1: data is JSON, 2: data is binary). */
  readonly v: 1 | 2;
  readonly seq: number;
  /** Hash of the previous event; null for the first. */
  readonly parent: Uint8Array | null;
  readonly type: string;
  readonly data: Uint8Array;
  /** ms since the epoch. */
  readonly time: number;
  /** SHA-256 of the event. */
  readonly hash: Uint8Array;
}

/** The event a wire event carries. */
export function fromWireEvent(event: WireEvent): ChainEvent {
  return {
    v: event.v,
    seq: event.seq,
    parent: event.parent === null ? null : fromBase64(event.parent),
    type: event.type,
    data: fromBase64(event.data),
    time: event.time,
    hash: fromBase64(event.hash),
  };
}
