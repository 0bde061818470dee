/** Recorded events as the WIT `chain-event` record the guest sees. */
import type { ChainEvent } from '@theater/event-chain';

/**
 * Converts a recorded event to the WIT `chain-event` record. The bytes are copied: recorded events may be views of
 * a shared pool, which the trip to the actor's worker would otherwise clone whole.
 */
export function toWitChainEvent(event: ChainEvent) {
  return {
    hash: event.hash.slice(),
    ...(event.parent === null ? {} : { parentHash: event.parent.slice() }),
    eventType: event.type,
    data: event.data.slice(),
    timestamp: BigInt(event.time),
  };
}
