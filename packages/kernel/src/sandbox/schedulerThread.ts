/**
 * The kernel's side of one scheduler worker (schedulerWorker.js): its inbox, its control block, the deadlines of the
 * operations its residents hold, and its death. A dedicated thread hosts one actor; a shared one many. Each resident
 * (a Sandbox) hears its own reports; when the worker dies, the resident whose operation ran innermost is the culprit
 * and fails, the others are told they lost their worker (and move, see sandbox.ts).
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { DirectAnswer } from './directAnswer.js';
import {
  answerCell,
  CONTROL,
  FROM_WORKER,
  type FromWorker,
  frameSlot,
  frameStart,
  type InboxMessage,
  type InstanceSpec,
  TO_WORKER,
  type WorkerReport,
} from './protocol.js';
import type { SandboxFailure } from './sandbox.js';

/** What a thread tells one resident. */
export interface Resident {
  /** A report of the resident's guest, in order. */
  report(report: WorkerReport): void;
  /** The resident's load ended: undefined when it is loaded. */
  loaded(outcome: { readonly instantiateMs: number; readonly prepared: boolean } | { readonly error: string }): void;
  /** The worker died: `culprit` when this resident's operation caused it, else the resident lost its worker. */
  lost(culprit: { readonly op: number | undefined; readonly failure: SandboxFailure } | undefined, failure: SandboxFailure): void;
}

/** One scheduler worker, seen from the kernel. */
export class SchedulerThread {
  /** True for a worker that hosts one actor only (its death is that actor's failure). */
  readonly dedicated: boolean;
  readonly #worker: Worker;
  readonly #inbox = new MessageChannel();
  readonly #control = new SharedArrayBuffer(CONTROL.bytes);
  readonly #flags = new Int32Array(this.#control);
  readonly #starts = new Float64Array(this.#control);
  readonly #residents = new Map<number, Resident>();
  /** Deadline (ms) of each unfinished operation, by resident slot and operation id. */
  readonly #timeouts = new Map<number, Map<number, number>>();
  /** Components this worker has the spec (compiled modules, imports) of: later loads of them send the key only. */
  readonly #known = new Set<string>();
  /** Components the worker holds (or is making) a spare instance of, oldest first, as the worker keeps them. */
  readonly #spares = new Set<string>();
  /** Preparations not finished yet, by key, in the order asked (the worker answers in that order). */
  readonly #preparing = new Map<string, (() => void)[]>();
  /** Settle as those finish: `warm()` waits for them. */
  readonly #prepared = new Set<Promise<void>>();
  /** Requests offered an answer cell (see directAnswer.ts), by cell. */
  readonly #cells = new Map<number, DirectAnswer>();
  readonly #clock: Clock;
  #nextSlot = 0;
  #watchdog: TimerHandle | undefined;
  #dead = false;
  #terminating: Promise<void> | undefined;

  constructor(worker: Worker, options: { readonly dedicated: boolean; readonly prepared?: string | undefined; readonly clock?: Clock }) {
    this.#worker = worker;
    this.dedicated = options.dedicated;
    this.#clock = options.clock ?? systemClock;
    if (options.prepared !== undefined) this.#known.add(options.prepared);
    this.#inbox.port1.unref();
    worker.postMessage({ kind: TO_WORKER.bind, control: this.#control, inbox: this.#inbox.port2 }, [this.#inbox.port2]);
    worker.on('message', (message: FromWorker) => this.#receive(message));
    worker.on('error', (error: Error & { code?: string }) => {
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#die(undefined, { kind: oom ? 'out-of-memory' : 'internal', message: String(error) });
    });
    worker.on('exit', (code) => this.#die(undefined, { kind: 'internal', message: `sandbox worker exited unexpectedly (code ${code})` }));
  }

  /** How many residents the worker hosts. */
  get size(): number {
    return this.#residents.size;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /**
   * True while the worker is blocked in a host call (an operation is on its stack): a load posted now waits until it
   * returns to its event loop, which never comes if the blocked actor is waiting for that load (a spawn).
   */
  get blocked(): boolean {
    return Atomics.load(this.#flags, CONTROL.depth) > 0;
  }

  /**
   * Loads a component as a new resident; returns its slot. `resident.loaded` hears the outcome. The modules are not
   * sent to a worker that has them (`prepared` says the worker instantiated this component ahead of time).
   */
  load(resident: Resident, spec: InstanceSpec, state: Uint8Array | undefined): number {
    if (this.#dead) throw new Error('sandbox worker is dead');
    const slot = this.#nextSlot++;
    this.#residents.set(slot, resident);
    // The worker adopts its spare of this component, if it holds one.
    this.#spares.delete(spec.key);
    this.#worker.postMessage({ kind: TO_WORKER.load, key: spec.key, spec: this.#specFor(spec), slot, state });
    return slot;
  }

  /**
   * Asks the worker to instantiate `spec` ahead of time (unless it holds a spare of it already), keeping at most
   * `keep` spares: the next load of it only attaches.
   */
  prepare(spec: InstanceSpec, keep: number): void {
    if (this.#dead || this.#spares.has(spec.key)) return;
    for (const key of this.#spares) {
      if (this.#spares.size < keep) break;
      this.#spares.delete(key);
    }
    this.#spares.add(spec.key);
    const promise = new Promise<void>((resolve) => {
      const waiting = this.#preparing.get(spec.key);
      if (waiting === undefined) this.#preparing.set(spec.key, [resolve]);
      else waiting.push(resolve);
    });
    this.#prepared.add(promise);
    void promise.then(() => this.#prepared.delete(promise));
    this.#worker.postMessage({ kind: TO_WORKER.prepare, key: spec.key, spec: this.#specFor(spec), keep });
  }

  /** Resolves once the worker has finished the preparations asked of it so far. */
  async warm(): Promise<void> {
    await Promise.all(this.#prepared);
  }

  /** `spec` to send, or undefined for a worker that has it (the key names it). */
  #specFor(spec: InstanceSpec): InstanceSpec | undefined {
    if (this.#known.has(spec.key)) return undefined;
    this.#known.add(spec.key);
    return spec;
  }

  /** Posts to the inbox and signals it (a worker blocked in a host call wakes for it). Throws when not cloneable. */
  post(message: InboxMessage): void {
    if (this.#dead) return;
    this.#inbox.port1.postMessage(message);
    Atomics.add(this.#flags, CONTROL.signal, 1);
    Atomics.notify(this.#flags, CONTROL.signal);
  }

  /**
   * Offers `request` an answer cell, so the worker may give the target's reply to the requester directly (see
   * directAnswer.ts); false when none is free (the reply then goes through the kernel, as any other).
   */
  offer(request: DirectAnswer): boolean {
    if (this.#dead || this.dedicated || request.cell >= 0 || request.taken || request.closed) return false;
    for (let cell = 0; cell < CONTROL.cells; cell++) {
      if (this.#cells.has(cell)) continue;
      this.#cells.set(cell, request);
      request.cell = cell;
      Atomics.store(this.#flags, answerCell(cell), request.call);
      return true;
    }
    return false;
  }

  /**
   * Takes back the cell offered to `request`, if the worker has not taken it: true when the kernel may answer the
   * request itself (nothing was offered, or the offer is withdrawn), false when the worker gave the requester the
   * target's reply (its `answered` report follows).
   */
  claim(request: DirectAnswer): boolean {
    if (request.taken) return false;
    if (request.cell < 0 || this.#dead) return true;
    const index = answerCell(request.cell);
    if (Atomics.compareExchange(this.#flags, index, request.call, 0) !== request.call) {
      request.taken = true;
      return false;
    }
    this.#cells.delete(request.cell);
    request.cell = -1;
    return true;
  }

  /**
   * Frees the cell of a request settled for good (its requester ended): a worker that has not taken it no longer
   * can, and one that has is not heard.
   */
  release(request: DirectAnswer): void {
    if (request.cell < 0) return;
    if (this.#cells.get(request.cell) === request) {
      this.#cells.delete(request.cell);
      if (!this.#dead) Atomics.store(this.#flags, answerCell(request.cell), 0);
    }
    request.cell = -1;
  }

  /** The worker reports it gave the requester holding `cell` the target's reply: the cell is free again. */
  answered(cell: number, call: number, reply: Uint8Array): void {
    const request = this.#cells.get(cell);
    if (request === undefined || request.call !== call) return;
    this.#cells.delete(cell);
    Atomics.store(this.#flags, answerCell(cell), 0);
    request.cell = -1;
    request.taken = true;
    request.answered(reply);
  }

  /** Bounds operation `op` of `slot` by `timeoutMs` from when it starts. */
  expect(slot: number, op: number, timeoutMs: number): void {
    const ops = this.#timeouts.get(slot);
    if (ops === undefined) this.#timeouts.set(slot, new Map([[op, timeoutMs]]));
    else ops.set(op, timeoutMs);
  }

  /** Operation `op` of `slot` has ended. */
  finished(slot: number, op: number): void {
    const ops = this.#timeouts.get(slot);
    if (ops === undefined) return;
    ops.delete(op);
    if (ops.size === 0) this.#timeouts.delete(slot);
  }

  /** Re-arms the watchdog after operations were handed over. */
  watch(): void {
    this.#armWatchdog();
  }

  /** Forgets a resident: nothing more of it is reported. */
  detach(slot: number): void {
    this.#residents.delete(slot);
    this.#timeouts.delete(slot);
  }

  /** Terminates the worker; idempotent. Its residents hear nothing more. */
  terminate(): Promise<void> {
    this.#terminating ??= (async () => {
      this.#dead = true;
      this.#clearWatchdog();
      this.#residents.clear();
      const offered = [...this.#cells.values()];
      this.#cells.clear();
      for (const request of offered) {
        request.cell = -1;
        request.lost();
      }
      for (const waiting of this.#preparing.values()) for (const resolve of waiting) resolve();
      this.#preparing.clear();
      this.#inbox.port1.close();
      await this.#worker.terminate();
    })();
    return this.#terminating;
  }

  #receive(message: FromWorker): void {
    if (this.#dead) return;
    if (message.kind === FROM_WORKER.batch) {
      const { items, slots } = message;
      for (let i = 0; i < items.length && !this.#dead; i++) this.#residents.get(slots[i]!)?.report(items[i]!);
    } else if (message.kind === FROM_WORKER.prepared) {
      // A failed preparation leaves no spare (a load after it instantiates as usual).
      if (!message.ok) this.#spares.delete(message.key);
      const waiting = this.#preparing.get(message.key);
      waiting?.shift()?.();
      if (waiting?.length === 0) this.#preparing.delete(message.key);
    } else if (message.kind === FROM_WORKER.loaded) {
      this.#residents.get(message.slot)?.loaded(message);
    } else if (message.kind === FROM_WORKER.loadFailed) {
      const resident = this.#residents.get(message.slot);
      this.detach(message.slot);
      resident?.loaded({ error: message.message });
    }
  }

  /** The innermost operation on the worker's stack, if any. */
  #innermost(): { slot: number; op: number } | undefined {
    const depth = Atomics.load(this.#flags, CONTROL.depth);
    if (depth <= 0) return undefined;
    const frame = Math.min(depth, CONTROL.maxDepth) - 1;
    return { slot: this.#flags[frameSlot(frame)]!, op: this.#flags[frameSlot(frame) + 1]! };
  }

  /**
   * The worker is gone (or is being killed for `culprit`, whose operation ran past its deadline): the culprit, else
   * the resident running innermost, fails; in a dedicated worker its one resident always does.
   */
  #die(culprit: { slot: number; op: number } | undefined, failure: SandboxFailure): void {
    if (this.#dead) return;
    const blamed = culprit ?? this.#innermost();
    const residents = [...this.#residents];
    void this.terminate();
    for (const [slot, resident] of residents) {
      if (slot === blamed?.slot) resident.lost({ op: blamed.op, failure }, failure);
      else if (this.dedicated) resident.lost({ op: undefined, failure }, failure);
      else resident.lost(undefined, failure);
    }
  }

  // The watchdog sleeps until the earliest deadline of an operation on the stack; V8 cannot interrupt wasm, so it
  // terminates the worker.
  #armWatchdog(): void {
    this.#clearWatchdog();
    if (this.#dead || this.#timeouts.size === 0) return;
    const now = this.#clock.now();
    // A queued operation cannot start before now, so none can pass its deadline before now + the smallest timeout.
    let delay = Infinity;
    for (const ops of this.#timeouts.values()) for (const timeout of ops.values()) delay = Math.min(delay, timeout);
    const depth = Math.min(Atomics.load(this.#flags, CONTROL.depth), CONTROL.maxDepth);
    for (let frame = depth - 1; frame >= 0; frame--) {
      const slot = this.#flags[frameSlot(frame)]!;
      const op = this.#flags[frameSlot(frame) + 1]!;
      const timeout = this.#timeouts.get(slot)?.get(op);
      if (timeout === undefined) continue;
      const remaining = this.#starts[frameStart(frame)]! + timeout - now;
      if (remaining <= 0) {
        this.#die({ slot, op }, { kind: 'operation-timeout', message: `operation ran past its ${timeout} ms deadline` });
        return;
      }
      delay = Math.min(delay, remaining);
    }
    this.#watchdog = this.#clock.setTimeout(
      () => {
        this.#watchdog = undefined;
        this.#armWatchdog();
      },
      Math.max(1, delay),
      { unref: true },
    );
  }

  #clearWatchdog(): void {
    this.#clock.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }
}
