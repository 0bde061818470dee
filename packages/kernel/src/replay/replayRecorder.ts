/**
 * The chain of a replayed actor: it records like any chain, but each new event takes the recorded event's time and
 * is compared with the recorded event at the same seq, content and hash. Recorded events are handed in by the replay
 * driver ahead of need, verified as they come, and forgotten once compared, so memory stays bounded by the driver's
 * read-ahead.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  EVENT_FORMAT_VERSION,
  bytesEqual,
  createChainVerifier,
  createEvent,
  decodeEventData,
  encodeEventData,
  type ChainEvent,
  type ChainStore,
  type EventInput,
} from '@theater/event-chain';
import type { ActorChain } from '../chain/actorChain.js';
import { KernelError } from '../kernelError.js';
import type { ReplayDivergence, ReplayedEvent } from './replayResult.js';

/** Records a replay and reports the first divergence from the recorded chain. */
export class ReplayRecorder implements ActorChain {
  readonly store: ChainStore;
  readonly #expected = new Map<number, ChainEvent>();
  readonly #verifier = createChainVerifier();
  readonly #onDivergence: (divergence: ReplayDivergence) => void;
  #head: ChainEvent | undefined;
  #ended = false;
  #lastSeq = Infinity;
  /** Set once the driver stops the actor itself: the stop it records is not part of the comparison. */
  #ignoreFrom = Infinity;
  /**
   * The seq of the current lifetime's last recorded event, once it is known (see recordedChainCursor.ts). What the
   * replayed instance records past it is dropped, not compared and not chained: the recorded lifetime was cut there
   * (its process was killed before the instance stopped or failed, or before the chain was read).
   */
  #bound = Infinity;
  divergence: ReplayDivergence | undefined;

  constructor(store: ChainStore, onDivergence: (divergence: ReplayDivergence) => void) {
    this.store = store;
    this.#onDivergence = onDivergence;
  }

  /** How many events have been recorded. */
  get recorded(): number {
    return (this.#head?.seq ?? -1) + 1;
  }

  /** Recorded events waiting to be compared. */
  get waiting(): number {
    return this.#expected.size;
  }

  /**
   * Hands in the next recorded event, verified as it comes (order, link, hash: what `verifyChain` checks without
   * checkpoints); a tampered chain is an `invalid-chain` error, never a replay.
   */
  expect(event: ChainEvent): void {
    const failure = this.#verifier.push(event);
    if (failure !== undefined)
      throw new KernelError('invalid-chain', `the chain does not verify at event ${failure.index}: ${failure.reason}`);
    this.#expected.set(event.seq, event);
  }

  /** Says the recorded chain has no events after `lastSeq`. */
  end(lastSeq: number): void {
    this.#ended = true;
    this.#lastSeq = lastSeq;
  }

  /** The recorded event the replay's next event will be compared with, if it has been read. */
  nextExpected(): ChainEvent | undefined {
    return this.#expected.get(this.recorded);
  }

  /** Events recorded from now on (the driver's own stop) are not compared. */
  ignoreRest(): void {
    this.#ignoreFrom = this.recorded;
  }

  /** The current lifetime's recorded events end at `seq` (Infinity: not known yet, or the next lifetime began). */
  bound(seq: number): void {
    this.#bound = seq;
  }

  /**
   * Reports a divergence when the replayed lifetime ended before producing each of its recorded events (the rest of
   * the chain is then not replayed).
   */
  lifetimeEnded(): void {
    const seq = this.recorded;
    if (this.divergence !== undefined || seq > this.#bound || seq >= this.#ignoreFrom) return;
    const missing = this.#expected.get(seq);
    this.#diverge({
      index: seq,
      expected: missing === undefined ? undefined : describe(missing),
      actual: undefined,
      reason:
        this.#bound === Infinity
          ? `the replayed actor ended after ${seq} events; the chain goes on`
          : `the replayed lifetime ended after ${seq} events; the recorded one runs to event ${this.#bound}`,
    });
  }

  record(input: EventInput): ChainEvent {
    if (this.recorded > this.#bound) return createEvent(this.#head, input);
    const seq = this.recorded;
    if (seq >= this.#ignoreFrom) {
      this.#head = createEvent(this.#head, input);
      return this.#head;
    }
    const expected = this.#expected.get(seq);
    this.#expected.delete(seq);
    if (expected !== undefined && this.divergence === undefined && matches(expected, this.#head, input)) {
      // Same version, type, data, time, seq and parent as the recorded event, whose hash `expect` verified: the
      // replayed event encodes to the same bytes, so it hashes to the recorded hash and is the recorded event.
      this.#head = expected;
      return expected;
    }
    const event = createEvent(this.#head, inFormatOf(expected, this.#head, { ...input, time: expected?.time ?? input.time }));
    this.#head = event;
    if (this.divergence !== undefined) return event;
    if (expected === undefined) {
      const reason =
        this.#ended && seq > this.#lastSeq
          ? `the replay recorded more events than the chain's ${this.#lastSeq + 1}`
          : `no recorded event ${seq} was read before the replay recorded it`;
      this.#diverge({ index: seq, expected: undefined, actual: describe(event), reason });
    } else if (expected.type !== event.type) {
      this.#diverge({
        index: seq,
        expected: describe(expected),
        actual: describe(event),
        reason: `expected a ${expected.type} event, the replay recorded ${event.type}`,
      });
    } else if (!bytesEqual(expected.data, event.data)) {
      const reason = decodes(expected)
        ? `the ${event.type} event's data differs`
        : `the recorded ${event.type} event's data does not decode (the chain holds corrupt data here)`;
      this.#diverge({ index: seq, expected: describe(expected), actual: describe(event), reason });
    } else if (!bytesEqual(expected.hash, event.hash)) {
      // Same contents, different hash: the recorded chain does not hash as it says (tampered or corrupt).
      this.#diverge({
        index: seq,
        expected: describe(expected),
        actual: describe(event),
        reason: `the ${event.type} event matches, but its recorded hash does not (the recorded chain fails verification here)`,
      });
    }
    return event;
  }

  /** Reports that the replay ended before recording every recorded event. */
  ended(): void {
    if (this.divergence !== undefined) return;
    const seq = Math.min(this.recorded, this.#ignoreFrom);
    const missing = this.#expected.get(seq);
    if (missing === undefined && (!this.#ended || seq > this.#lastSeq)) return;
    this.#diverge({
      index: seq,
      expected: missing === undefined ? undefined : describe(missing),
      actual: undefined,
      reason: `the replay ended after ${seq} events; the chain has ${this.#lastSeq + 1}`,
    });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  writeAfter(): void {
    // A replay writes nothing.
  }

  read(): Promise<ChainEvent[]> {
    // A replayed actor's chain is compared, not kept: its handlers get no history.
    return Promise.resolve([]);
  }

  seal(): Promise<void> {
    return Promise.resolve();
  }

  #diverge(divergence: ReplayDivergence): void {
    this.divergence = divergence;
    this.#onDivergence(divergence);
  }
}

/** True when the event recorded after `head` from `input` would be `expected` (taking its time), field for field. */
function matches(expected: ChainEvent, head: ChainEvent | undefined, input: EventInput): boolean {
  return (
    expected.v === (input.v ?? EVENT_FORMAT_VERSION) &&
    expected.seq === (head === undefined ? 0 : head.seq + 1) &&
    bytesEqual(expected.parent, head?.hash ?? null) &&
    expected.type === input.type &&
    bytesEqual(expected.data, input.data)
  );
}

/**
 * The input in the recorded event's format version, so that a chain recorded in an older format (v1, JSON data)
 * replays to the same bytes and hashes: data passed through as recorded (the spawn) keeps its version, data encoded
 * now is re-encoded. Never older than `head`'s version.
 */
function inFormatOf(expected: ChainEvent | undefined, head: ChainEvent | undefined, input: EventInput): EventInput {
  const from = input.v ?? EVENT_FORMAT_VERSION;
  const v = Math.max(expected?.v ?? from, head?.v ?? 1) as ChainEvent['v'];
  if (v === from) return input;
  if (expected !== undefined && bytesEqual(input.data, expected.data)) return { ...input, v };
  return { ...input, v, data: encodeEventData(decodeEventData(input.data, from), v) };
}

function decodes(event: ChainEvent): boolean {
  try {
    decodeEventData(event.data, event.v);
    return true;
  } catch {
    return false;
  }
}

function describe(event: ChainEvent): ReplayedEvent {
  let data: unknown;
  try {
    data = decodeEventData(event.data, event.v);
  } catch {
    data = { $bytes: Buffer.from(event.data).toString('base64') };
  }
  return { type: event.type, data, hash: bytesToHex(event.hash) };
}
