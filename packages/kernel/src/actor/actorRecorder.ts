/**
 * What an actor writes to its chain, stamped by its clock: each operation's `wasm.call` (once, at its first host call
 * or its outcome, with the time it started), its `wasm.result` or `wasm.error`, host calls and lifecycle events.
 */
import type { ChainEvent, ChainStore, ReadRange } from '@theater/event-chain';
import type { ActorChain } from '../chain/actorChain.js';
import { wasmAbortedEvent, wasmCallEvent, wasmErrorEvent, wasmResultEvent, type EncodedEvent } from '../chain/chainEvents.js';
import type { ActorState } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { FailureReason } from './actorFailure.js';
import type { Operation } from './operationQueue.js';

/** One actor's recorder; see the module header. */
export class ActorRecorder {
  readonly #chain: ActorChain;
  readonly #now: () => number;
  readonly #broken: (error: unknown) => void;

  /** `broken` hears, on a microtask, of an event the chain could not take (the actor then fails). */
  constructor(chain: ActorChain, now: () => number, broken: (error: unknown) => void) {
    this.#chain = chain;
    this.#now = now;
    this.#broken = broken;
  }

  /** The store the chain is written to. */
  get store(): ChainStore {
    return this.#chain.store;
  }

  read(range?: ReadRange): Promise<ChainEvent[]> {
    return this.#chain.read(range);
  }

  /** Resolves once every event recorded so far is durable. */
  flush(): Promise<void> {
    return this.#chain.flush();
  }

  /** Holds the chain's writes not made yet until `before` resolves (a rejection breaks the chain: the actor fails). */
  writeAfter(before: Promise<unknown>): void {
    this.#chain.writeAfter(before);
  }

  /** Records an actor's last event, then makes the chain durable and signs its head (also when recording failed). */
  async end(event: EncodedEvent): Promise<void> {
    try {
      this.recordOrThrow(event);
    } finally {
      await this.#chain.seal();
    }
  }

  /** Records an event (durable by the next flush); one the chain cannot take is reported to `broken`. */
  record(event: EncodedEvent, time = this.#now()): void {
    try {
      this.recordOrThrow(event, time);
    } catch (error) {
      queueMicrotask(() => this.#broken(error));
    }
  }

  /** Records an event, throwing when the chain cannot take it. */
  recordOrThrow(event: EncodedEvent, time = this.#now()): void {
    this.#chain.record({ type: event.type, data: event.data, time: Math.trunc(time) });
  }

  /** Records the operation's `wasm.call`, unless it already is. */
  recordCall(op: Operation, startedAt: number): void {
    if (op.callRecorded) return;
    op.callRecorded = true;
    this.record(wasmCallEvent.encode({ interface: op.iface, function: op.fn, params: op.params }), startedAt);
  }

  /** Records an operation's result and the state it committed. */
  recordResult(op: Operation, startedAt: number, state: ActorState, output: unknown): void {
    this.recordCall(op, startedAt);
    this.record(wasmResultEvent.encode({ interface: op.iface, function: op.fn, state: state ?? null, output: output ?? null }));
  }

  /** Records the failure of an operation. */
  recordError(op: Operation, reason: FailureReason, message: string): void {
    this.recordCall(op, this.#now());
    this.record(wasmErrorEvent.encode({ interface: op.iface, function: op.fn, reason, message }));
  }

  /** Records that a started operation was aborted (its worker died for another actor's fault). */
  recordAborted(op: Operation, message: string): void {
    this.recordCall(op, this.#now());
    this.record(wasmAbortedEvent.encode({ interface: op.iface, function: op.fn, message }));
  }
}

/** The error an operation's caller gets when the actor's chain could not be written. */
export function chainWriteFailed(name: string, id: string, cause: unknown): KernelError {
  return new KernelError('chain-write-failed', `the chain of actor ${name} (${id}) could not be written: ${messageOf(cause)}`, { cause });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
