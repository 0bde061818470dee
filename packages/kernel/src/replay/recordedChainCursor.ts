/**
 * The replay's reading position in a recorded chain, read as a stream of batches. Every event read is handed to the
 * recorder (which verifies it as it comes and compares the replay's events with it). Reading goes call by call: each
 * `wasm.call` is queued with the events that follow it, up to the next call, the next lifetime's `actor.restart`, or
 * the end of the chain.
 *
 * A chain holds one lifetime per start of its actor: the first begins with `actor.spawn`, each later one with
 * `actor.restart` (a supervisor's restart, or a resume of a stopped or crashed actor), from the state that event
 * records. Reading stops at a lifetime's end until the driver moves on to the next (`nextLifetime`).
 */
import type { ChainEvent } from '@theater/event-chain';
import type { WasmCallEventData } from '../chain/chainEvents.js';
import { recordedCall } from './recordedData.js';
import type { ReplayRecorder } from './replayRecorder.js';

/**
 * Event types that end an export call: it returned, returned an error (a trap: `actor.fail` follows), or was aborted
 * with its shared worker. An `actor.fail` alone, in the middle of a call, is a failure from outside (the call
 * committed nothing).
 */
const CALL_ENDS = new Set(['wasm.result', 'wasm.error', 'wasm.aborted']);

/** Events of the actor's lifecycle, never of a call. */
const LIFECYCLE = new Set(['actor.stop', 'actor.fail']);

export class RecordedChainCursor {
  readonly #reader: AsyncIterator<readonly ChainEvent[]>;
  readonly #recorder: ReplayRecorder;
  #batch: readonly ChainEvent[] = [];
  #batchAt = 0;
  #done = false;
  /** Calls read and not issued yet, in order. */
  readonly pendingCalls: WasmCallEventData[] = [];
  /** The events of each pending call (its `wasm.call` first). */
  readonly #eventsOf = new Map<WasmCallEventData, ChainEvent[]>();
  #lastCall: WasmCallEventData | undefined;
  /** Set once the last call read has its end event. */
  #lastCallEnded = false;
  /** The current lifetime's events that belong to no call (its `actor.stop` or `actor.fail`), in order. */
  readonly lifecycle: ChainEvent[] = [];
  /** The `actor.restart` that ends the current lifetime, once read. */
  #restart: ChainEvent | undefined;
  /** The seq of the last event read. */
  lastSeq = -1;

  constructor(batches: AsyncIterable<readonly ChainEvent[]>, recorder: ReplayRecorder) {
    this.#reader = batches[Symbol.asyncIterator]();
    this.#recorder = recorder;
  }

  /** Reads the next event (the first of a lifetime, or the one after the end); undefined at the end of the chain. */
  async readNext(): Promise<ChainEvent | undefined> {
    return (await this.#fill()) ? this.#take() : undefined;
  }

  /**
   * Reads up to the next export call (queued in `pendingCalls`); false at the end of the lifetime (`atRestart`) or of
   * the chain.
   */
  async readToNextCall(): Promise<boolean> {
    if (this.#restart !== undefined) return false;
    for (;;) {
      // Events of a loaded batch are taken without a promise each; only the next batch is awaited.
      while (this.#batchAt < this.#batch.length) {
        const event = this.#take();
        if (event.type === 'wasm.call') {
          const call = recordedCall(event);
          this.#lastCall = call;
          this.#lastCallEnded = false;
          this.pendingCalls.push(call);
          this.#eventsOf.set(call, [event]);
          return true;
        }
        if (event.type === 'actor.restart') {
          this.#restart = event;
          // What the last instance records past this lifetime's last event is not compared (see ReplayRecorder).
          this.#recorder.bound(event.seq - 1);
          return false;
        }
        if (LIFECYCLE.has(event.type) || this.#lastCall === undefined || this.#lastCallEnded) this.lifecycle.push(event);
        else {
          this.#eventsOf.get(this.#lastCall)?.push(event);
          this.#lastCallEnded = CALL_ENDS.has(event.type);
        }
      }
      if (!(await this.#fill())) {
        this.#recorder.bound(this.lastSeq);
        return false;
      }
    }
  }

  /**
   * Takes the recorded events of pending call `call`, and how it ended: `aborted` when its shared worker died under
   * it, `interrupted` when its lifetime (or the chain) ends before it did (its process was killed): either way it
   * committed nothing.
   */
  takeEvents(call: WasmCallEventData): { readonly events: ChainEvent[]; readonly ended: 'normally' | 'aborted' | 'interrupted' } {
    const events = this.#eventsOf.get(call) ?? [];
    this.#eventsOf.delete(call);
    const end = events.find((event) => CALL_ENDS.has(event.type));
    if (end?.type === 'wasm.aborted') return { events, ended: 'aborted' };
    // Only the last call read can lack an end: the one after it would otherwise not have started.
    if (end === undefined && call === this.#lastCall && this.#atLifetimeEnd()) return { events, ended: 'interrupted' };
    return { events, ended: 'normally' };
  }

  /**
   * Moves on to the next lifetime, once the last one's instance has ended: its `actor.restart` event, or undefined
   * when the chain has no more.
   */
  nextLifetime(): ChainEvent | undefined {
    const restart = this.#restart;
    this.#restart = undefined;
    this.#lastCall = undefined;
    this.#lastCallEnded = false;
    this.lifecycle.length = 0;
    this.pendingCalls.length = 0;
    this.#eventsOf.clear();
    if (restart !== undefined) this.#recorder.bound(Infinity);
    return restart;
  }

  /** True once the `actor.restart` that ends the current lifetime has been read. */
  get atRestart(): boolean {
    return this.#restart !== undefined;
  }

  /** Stops reading (the chain's store or file is released). */
  async close(): Promise<void> {
    await this.#reader.return?.();
  }

  #atLifetimeEnd(): boolean {
    return this.#restart !== undefined || (this.#done && this.#batchAt >= this.#batch.length);
  }

  /** Loads the next batch when the current one is used up; false at the end of the chain. */
  async #fill(): Promise<boolean> {
    // Reading in batches keeps the store's (or file's) iteration out of the per-event path.
    while (this.#batchAt >= this.#batch.length) {
      if (this.#done) return false;
      const next = await this.#reader.next();
      if (next.done === true) {
        this.#done = true;
        this.#recorder.end(this.lastSeq);
        return false;
      }
      this.#batch = next.value;
      this.#batchAt = 0;
    }
    return true;
  }

  /** Hands the next event of the loaded batch to the recorder. */
  #take(): ChainEvent {
    const event = this.#batch[this.#batchAt++]!;
    // What is replayed is verified as it is read (links, hashes, order): a tampered chain never replays as a match.
    this.#recorder.expect(event);
    this.lastSeq = event.seq;
    return event;
  }
}
