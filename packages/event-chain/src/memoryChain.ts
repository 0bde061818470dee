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
 * An event whose hash is computed when first read (then kept): appending stays cheap on the hot path of every
 * operation, and a chain that is observed is hash-linked exactly as if it had been hashed eagerly.
 */
class LinkedEvent implements ChainEvent {
  readonly seq: number;
  readonly type: string;
  readonly data: Uint8Array;
  readonly time: number;
  readonly #previous: LinkedEvent | undefined;
  #hash: Uint8Array | undefined;

  constructor(previous: LinkedEvent | undefined, input: EventInput) {
    this.seq = previous === undefined ? 0 : previous.seq + 1;
    this.type = input.type;
    this.data = input.data;
    this.time = input.time;
    this.#previous = previous;
  }

  get parent(): Uint8Array | null {
    return this.#previous?.hash ?? null;
  }

  get hash(): Uint8Array {
    if (this.#hash === undefined) {
      // Hash unhashed predecessors oldest first, so a long unread chain never recurses deeply.
      const pending: LinkedEvent[] = [];
      for (let event: LinkedEvent | undefined = this; event !== undefined && event.#hash === undefined; event = event.#previous) {
        pending.push(event);
      }
      for (const event of pending.reverse()) {
        const parent = event.#previous === undefined ? null : event.#previous.#hash!;
        event.#hash = hashEvent(parent, event.seq, event.type, event.data, event.time);
      }
    }
    return this.#hash!;
  }

  toJSON(): object {
    return { seq: this.seq, parent: this.parent, hash: this.hash, type: this.type, data: this.data, time: this.time };
  }
}

/**
 * Creates an in-memory chain.
 * @example
 * const chain = createMemoryChain();
 * chain.append({ type: 'actor.spawn', data: encodeEventData({ name: 'counter' }), time: Date.now() });
 */
export function createMemoryChain(): EventChain {
  const events: LinkedEvent[] = [];
  return {
    append(input) {
      if (typeof input.type !== 'string' || input.type === '') throw new TypeError('expected a non-empty event type');
      if (!(input.data instanceof Uint8Array)) throw new TypeError('expected event data as a Uint8Array');
      if (!Number.isFinite(input.time)) throw new TypeError(`expected a finite event time, got ${input.time}`);
      const event = new LinkedEvent(events.at(-1), input);
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
