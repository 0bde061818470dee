/**
 * One actor's recorder: builds each event (hash-linked to the one before) the moment it happens, and writes them to
 * the store in group commits, so the events of every operation that finished in the same tick share one write.
 * Only the head and the events not yet written are held in memory.
 */
import type { ChainStore } from './chainStore.js';
import { ChainError } from './chainError.js';
import { createEvent, type ChainEvent, type EventInput } from './eventFormat.js';

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Records an actor's events into a chain store; see the module header. */
export class ChainWriter {
  readonly actorId: string;
  readonly #store: ChainStore;
  #head: ChainEvent | undefined;
  #durableSeq: number;
  #pending: ChainEvent[] = [];
  #writing = false;
  #failure: unknown;
  #waiters: Waiter[] = [];
  /** What the next write waits for (see `writeAfter`). */
  #barrier: Promise<unknown> | undefined;

  /** `head` is the actor's last stored event when its chain continues (a restart), else undefined. */
  constructor(store: ChainStore, actorId: string, head: ChainEvent | undefined) {
    this.#store = store;
    this.actorId = actorId;
    this.#head = head;
    this.#durableSeq = head?.seq ?? -1;
  }

  /** The last recorded event (written or not). */
  get head(): ChainEvent | undefined {
    return this.#head;
  }

  /** Builds the next event and queues it for the next write; returns it at once. */
  record(input: EventInput): ChainEvent {
    if (this.#failure !== undefined) throw this.#broken();
    const event = createEvent(this.#head, input);
    this.#head = event;
    this.#pending.push(event);
    if (!this.#writing) {
      this.#writing = true;
      queueMicrotask(() => void this.#writeLoop());
    }
    return event;
  }

  /**
   * Holds the writes of events not written yet until `before` resolves: the actor has seen something (another actor's
   * reply) that is not durable yet, and nothing it did since may be durable before it. A rejection breaks the writer
   * as a failed write does.
   */
  writeAfter(before: Promise<unknown>): void {
    const barrier = this.#barrier === undefined ? before : Promise.all([this.#barrier, before]);
    // Heard by the next write; until then a rejection is not an unhandled one.
    barrier.catch(() => {});
    this.#barrier = barrier;
  }

  /** Resolves once every event recorded so far is durable; rejects if a write failed (the writer is then broken). */
  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#broken());
    const seq = this.#head?.seq ?? -1;
    if (seq <= this.#durableSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  async #writeLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        const barrier = this.#barrier;
        if (barrier !== undefined) {
          await barrier;
          if (this.#barrier === barrier) this.#barrier = undefined;
        }
        await this.#store.appendEvents(this.actorId, batch);
      } catch (error) {
        this.#failure = error;
        this.#pending = [];
        this.#writing = false;
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#broken());
        return;
      }
      this.#durableSeq = batch[batch.length - 1]!.seq;
      const waiting = this.#waiters;
      this.#waiters = waiting.filter((waiter) => waiter.seq > this.#durableSeq);
      for (const waiter of waiting) if (waiter.seq <= this.#durableSeq) waiter.resolve();
    }
    this.#writing = false;
  }

  #broken(): ChainError {
    const message = this.#failure instanceof Error ? this.#failure.message : String(this.#failure);
    return new ChainError('storage-failed', `the chain of actor ${JSON.stringify(this.actorId)} could not be written: ${message}`, {
      cause: this.#failure,
    });
  }
}
