/**
 * An actor's operation queue: its mailbox (bounded by `limits.mailbox`), the window of operations handed to the worker
 * ahead of their results (the worker runs them in order, one at a time), and the pump that moves operations from the
 * one to the other. Handing work ahead never widens the mailbox: an operation in the window counts as waiting until
 * the one before it has its result.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import type { DirectAnswer } from '../sandbox/directAnswer.js';
import { Mailbox } from './mailbox.js';

/** How many operations may be handed to the worker ahead of their results. */
const MAX_IN_FLIGHT = 256;

/** The manifest limit an operation's deadline comes from: `init` has its own, every other export the call timeout. */
export type DeadlineLimit = 'init_timeout_ms' | 'call_timeout_ms';

/** A call of one export, from the moment it is enqueued until its caller hears the outcome. */
export interface Operation {
  readonly id: number;
  readonly iface: string;
  readonly fn: string;
  readonly params: readonly unknown[];
  readonly timeoutMs: number;
  readonly limit: DeadlineLimit;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Told the output the moment the guest returns it, before it is durable (see `ActorInstance.enqueue`). */
  readonly onOutput: ((output: unknown) => void) | undefined;
  /** A co-resident's request this operation answers, which the worker may answer directly (see directAnswer.ts). */
  readonly answers: DirectAnswer | undefined;
  callRecorded: boolean;
  /** Set when the operation was aborted after it had started: its pending host calls record nothing more. */
  aborted: boolean;
}

/**
 * Where an operation takes its mailbox place: within the bound, outside it (a system notice, which its sender
 * bounds), or in a place reserved earlier for a sender's credit (see messaging/sendCredit.ts).
 */
export type MailboxPlace = 'bounded' | 'outside' | 'reserved';

/** What an operation is made from (its deadline comes from `limit`). */
export type OperationRequest = Pick<Operation, 'iface' | 'fn' | 'params' | 'limit' | 'onOutput' | 'answers'>;

/** Where the queue hands operations to. */
export interface OperationRunner {
  /** True while operations may be handed to the worker. */
  ready(): boolean;
  /** Hands a batch to the worker, to run in order; throws (having sent nothing) when it cannot be sent. */
  run(batch: readonly Operation[]): void;
}

/** The operation queue of one actor; see the module header. */
export class OperationQueue {
  /** Names the actor in refusals: `actor echo (1f0e…)`. */
  readonly #owner: string;
  readonly #limits: Manifest['limits'];
  readonly #mailbox: Mailbox<Operation>;
  readonly #inFlight = new Map<number, Operation>();
  readonly #runner: OperationRunner;
  #nextOp = 0;
  #pumpScheduled = false;
  /** Mailbox places promised to senders' credit: counted as taken, so the bound holds when they are used. */
  #reserved = 0;
  /** Waiters for the next completed or rejected operation in the window (used while stopping). */
  readonly #progress: (() => void)[] = [];

  /** `limits` bound the mailbox and set each operation's deadline. */
  constructor(owner: string, limits: Manifest['limits'], runner: OperationRunner) {
    this.#owner = owner;
    this.#limits = limits;
    this.#mailbox = new Mailbox(limits.mailbox);
    this.#runner = runner;
  }

  /** How many operations the worker holds (running, or waiting behind the running one). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Puts an operation in the mailbox and returns its result's promise; a full mailbox is thrown as `mailbox-full`,
   * unless the operation goes `outside` the bound or into a `reserved` place.
   */
  enqueue(request: OperationRequest, place: MailboxPlace = 'bounded'): Promise<unknown> {
    if (place === 'bounded' && this.#waiting() + this.#reserved >= this.#mailbox.capacity) throw this.#mailboxFull();
    let op!: Operation;
    const result = new Promise<unknown>((resolve, reject) => {
      const timeoutMs = request.limit === 'init_timeout_ms' ? this.#limits.initTimeoutMs : this.#limits.callTimeoutMs;
      // One literal, fields always in this order: every operation shares one hidden class, so the hot paths that read
      // them (pump, recorder, listener) stay monomorphic (a spread measured ~30% fewer sends per second).
      op = {
        id: this.#nextOp++,
        iface: request.iface,
        fn: request.fn,
        params: request.params,
        timeoutMs,
        limit: request.limit,
        resolve,
        reject,
        onOutput: request.onOutput,
        answers: request.answers,
        callRecorded: false,
        aborted: false,
      };
    });
    if (place === 'reserved') this.#reserved = Math.max(0, this.#reserved - 1);
    if (place !== 'bounded') this.#mailbox.push(op);
    else if (!this.#mailbox.enqueue(op)) throw this.#mailboxFull();
    this.#schedulePump();
    return result;
  }

  /** Free mailbox places: neither taken nor reserved. */
  get room(): number {
    return Math.max(0, this.#mailbox.capacity - this.#waiting() - this.#reserved);
  }

  /** Reserves up to `count` free mailbox places (for a sender's credit); returns how many it reserved. */
  reserve(count: number): number {
    const reserved = Math.max(0, Math.min(count, this.room));
    this.#reserved += reserved;
    return reserved;
  }

  /** Gives back `count` reserved places that will not be used. */
  release(count: number): void {
    this.#reserved = Math.max(0, this.#reserved - count);
  }

  /** The operation with this id, if the worker holds it. */
  running(opId: number): Operation | undefined {
    return this.#inFlight.get(opId);
  }

  /** Takes the operation with this id out of the window, its result in; undefined if it was not there. */
  complete(opId: number): Operation | undefined {
    const op = this.#inFlight.get(opId);
    if (op === undefined) return undefined;
    this.#inFlight.delete(opId);
    this.#notifyProgress();
    return op;
  }

  /** Hands the worker what the mailbox holds, once half the window has drained. */
  pump(): void {
    if (!this.#runner.ready()) return;
    // Refill only once half the window has drained, so the worker gets work in chunks, not one op per result.
    if (this.#inFlight.size > MAX_IN_FLIGHT / 2 || this.#mailbox.size === 0) return;
    const room = MAX_IN_FLIGHT - this.#inFlight.size;
    const batch = this.#mailbox.take(room);
    try {
      this.#runner.run(batch);
    } catch (error) {
      // Only `call()` can pass params that cannot be cloned to the worker; nothing of the batch was sent.
      for (const op of batch) op.reject(new TypeError(`params cannot be sent to the actor: ${String(error)}`));
      this.#schedulePump();
      return;
    }
    for (const op of batch) this.#inFlight.set(op.id, op);
  }

  /** Refuses the operations still in the mailbox. */
  rejectQueued(error: KernelError): void {
    for (const op of this.#mailbox.drain()) op.reject(error);
  }

  /**
   * Refuses the operations the worker holds (it halted, or the actor ended), except one whose reply the worker has
   * already given a co-resident requester (see sandbox/directAnswer.ts): its result is on its way, and `kept` waits
   * for it, so the chain holds what the requester saw.
   */
  rejectInFlight(error: KernelError): void {
    for (const op of [...this.#inFlight.values()]) {
      if (op.answers !== undefined && !op.answers.thread.dead && !op.answers.thread.claim(op.answers)) continue;
      op.reject(error);
      this.#inFlight.delete(op.id);
    }
    this.#notifyProgress();
  }

  /**
   * Resolves once the operations `rejectInFlight` kept have their results, or their deadlines have passed (they are
   * refused then); at once when it kept none.
   */
  async kept(error: KernelError, clock: Clock): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: TimerHandle | undefined;
    const waited = Math.max(...[...this.#inFlight.values()].map((op) => op.timeoutMs));
    const deadline = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, waited, { unref: true })));
    let passed = false;
    void deadline.then(() => (passed = true));
    while (this.#inFlight.size > 0 && !passed) await Promise.race([this.progress(), deadline]);
    clock.clearTimeout(timer);
    for (const op of this.#inFlight.values()) op.reject(error);
    this.#inFlight.clear();
  }

  /** Refuses everything: the operations the worker holds, then those in the mailbox. */
  rejectAll(error: KernelError): void {
    this.rejectInFlight(error);
    this.rejectQueued(error);
  }

  /** Resolves at the next completed or rejected operation of the window. */
  progress(): Promise<void> {
    return new Promise((resolve) => this.#progress.push(resolve));
  }

  #notifyProgress(): void {
    for (const resolve of this.#progress.splice(0)) resolve();
  }

  /**
   * Operations waiting behind the running one: those queued here and those already handed to the worker (which
   * runs them in order), so that handing work ahead never widens the mailbox the manifest allows.
   */
  #waiting(): number {
    return this.#mailbox.size + Math.max(0, this.#inFlight.size - 1);
  }

  #mailboxFull(): KernelError {
    return new KernelError('mailbox-full', `${this.#owner} has ${this.#mailbox.capacity} operations waiting; try again later`);
  }

  // Pumping on a microtask lets messages sent in the same tick travel to the worker together.
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.pump();
    });
  }
}
