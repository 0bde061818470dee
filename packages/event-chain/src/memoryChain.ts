/** An actor's chain kept in memory: hash-linked events in append order. */
import type { ChainEvent, EventInput } from './chainEvent.js';
import { hashEvent } from './eventHash.js';

/** An append-only, hash-linked event log for one actor. */
export interface EventChain {
  /** Appends an event after the current head and returns it. */
  append(input: EventInput): ChainEvent;
  /** All events, oldest first. */
  events(): readonly ChainEvent[];
  /** The last event, if any. */
  readonly head: ChainEvent | undefined;
  readonly length: number;
}

/**
 * Creates an in-memory chain.
 * @example
 * const chain = createMemoryChain();
 * chain.append({ type: 'actor.spawn', data: encodeEventData({ name: 'counter' }), time: Date.now() });
 */
export function createMemoryChain(): EventChain {
  const events: ChainEvent[] = [];
  return {
    append({ type, data, time }) {
      if (typeof type !== 'string' || type === '') throw new TypeError('expected a non-empty event type');
      if (!(data instanceof Uint8Array)) throw new TypeError('expected event data as a Uint8Array');
      const parent = events.at(-1)?.hash ?? null;
      const seq = events.length;
      const event: ChainEvent = { seq, parent, hash: hashEvent(parent, seq, type, data, time), type, data, time };
      events.push(event);
      return event;
    },
    events: () => events,
    get head() {
      return events.at(-1);
    },
    get length() {
      return events.length;
    },
  };
}
