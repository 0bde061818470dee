/**
 * One actor's sandbox: its resident in a scheduler thread (its own worker when dedicated, a shared one otherwise).
 * It loads the component there, hands it operations, answers its host calls, and reports what the guest did. When
 * a shared worker dies for a co-resident's fault, the sandbox moves to a fresh worker from the actor's committed
 * state: operations that had not started are handed over again, the one that had started is the listener's to end.
 */
import { systemClock, type Clock } from '../clock.js';
import { atHostCall, type DirectAnswer } from './directAnswer.js';
import {
  type GuestFailure,
  type HostReply,
  type HostReplyMessage,
  INBOX,
  type InstanceSpec,
  type OperationMessage,
  type WorkerReport,
  importTable,
  REPORT,
} from './protocol.js';
import type { Resident, SchedulerThread } from './schedulerThread.js';

/** What the sandbox reports about each operation, in order. */
export interface SandboxListener {
  /**
   * The guest made a host call during operation `op`; the reply goes back to the guest. A synchronous reply must
   * have been recorded before returning, so reports that follow it are recorded after it.
   */
  hostCall(op: number, startedAt: number, iface: string, fn: string, args: readonly unknown[]): HostReply | Promise<HostReply>;
  /** Operation `op` returned. */
  done(op: number, startedAt: number, state: Uint8Array | undefined, output: unknown): void;
  /** Operation `op` failed; the sandbox is dead and runs nothing more. */
  failed(op: number | undefined, failure: SandboxFailure): void;
  /** After `halt()`: the worker has stopped; operations not reported done never ran. */
  halted(): void;
  /**
   * A co-resident took the shared worker down. `unfinished` are the operations handed over and not reported done,
   * in order; the listener ends those it cannot re-run (one that had started) and returns the committed state to
   * move with and the operations to hand over again.
   */
  relocating(
    unfinished: readonly number[],
    cause: SandboxFailure,
  ): { readonly state: Uint8Array | undefined; readonly retry: readonly number[] };
  /** The sandbox runs in a fresh worker now. */
  relocated(): void;
}

/** Why a sandbox stopped running operations. */
export type SandboxFailure = GuestFailure | { readonly kind: 'operation-timeout'; readonly message: string };

/** Options for loading a component into a sandbox. */
export interface SandboxLoad extends InstanceSpec {
  readonly state: Uint8Array | undefined;
}

/** Where a sandbox runs, and where it moves when its shared worker dies. */
export interface SandboxHome {
  readonly thread: SchedulerThread;
  /** The thread that takes over from a dead shared one. */
  readonly replace: (dead: SchedulerThread) => Promise<SchedulerThread>;
}

/** An operation to hand over; `answers` when it is a request a co-resident may be answered from directly. */
type Handed = { readonly operation: OperationMessage; readonly timeoutMs: number; readonly answers?: DirectAnswer | undefined };

/** One actor's sandbox. */
export class Sandbox {
  readonly #listener: SandboxListener;
  readonly #spec: InstanceSpec;
  readonly #replace: SandboxHome['replace'];
  readonly #clock: Clock;
  /** The imported functions, numbered as the worker numbers them in its reports. */
  readonly #imports: (readonly [iface: string, fn: string])[];
  #thread: SchedulerThread;
  #slot = -1;
  /** Operations handed over and not reported done, in order. */
  readonly #handed = new Map<number, Handed>();
  /** Handed over while the sandbox is moving: sent once it has. */
  #moving: Handed[] | undefined;
  #halted = false;
  #dead = false;
  /** Blocking calls of this actor the worker answered directly (see directAnswer.ts): the kernel posts no reply. */
  readonly #answeredHere = new Set<number>();
  #onLoaded: ((outcome: Parameters<Resident['loaded']>[0]) => void) | undefined;

  private constructor(home: SandboxHome, spec: InstanceSpec, listener: SandboxListener, clock: Clock) {
    this.#thread = home.thread;
    this.#replace = home.replace;
    this.#spec = spec;
    this.#listener = listener;
    this.#clock = clock;
    this.#imports = importTable(spec.imports);
  }

  /**
   * Starts loading a component into `home.thread` and returns the sandbox at once: operations handed to it before the
   * load ends travel with the load (a spawn's `init` costs no extra round trip) and run once it is there. `loaded`
   * rejects with the instantiation error if it cannot start (the sandbox is then terminated). Instantiation may run
   * guest start code, so it has a deadline like any other guest work; `deadline.limit` names the setting it comes
   * from, for the message. Deadlines are measured and slept on `clock`; the worker stamps an operation's start with
   * the real wall time (`Date.now`), so the clock's `now()` must not run ahead of it (a TestClock starts at it).
   */
  static open(
    home: SandboxHome,
    load: SandboxLoad,
    listener: SandboxListener,
    deadline: { readonly ms: number; readonly limit: string },
    clock: Clock = systemClock,
  ): { sandbox: Sandbox; loaded: Promise<{ instantiateMs: number; prepared: boolean }> } {
    const { state, ...spec } = load;
    const sandbox = new Sandbox(home, spec, listener, clock);
    const loaded = sandbox.#load(state, deadline).catch(async (error: unknown) => {
      await sandbox.terminate();
      throw error;
    });
    return { sandbox, loaded };
  }

  /** Asks the worker to stop this actor before its next operation; `halted` (or `done`/`failed` for one running) follows. */
  halt(): void {
    this.#halted = true;
    if (this.#moving === undefined) this.#thread.post([INBOX.halt, this.#slot]);
  }

  /** Queues operations; each is reported to the listener in order. `timeoutMs` bounds each one. */
  run(ops: readonly Handed[]): void {
    if (this.#dead) throw new Error('sandbox is dead');
    if (this.#moving !== undefined) {
      structuredClone(ops.map(({ operation }) => operation)); // refused now, as a post would be
      this.#moving.push(...ops);
      return;
    }
    const thread = this.#thread;
    const operations = ops.map(({ operation, answers }) =>
      answers?.thread === thread && thread.offer(answers)
        ? ([operation[0], operation[1], operation[2], operation[3], answers.cell, answers.call] satisfies OperationMessage)
        : operation,
    );
    try {
      // Throws (and queues nothing) when the params cannot be cloned to the worker.
      thread.post([INBOX.run, this.#slot, operations]);
    } catch (error) {
      for (const { answers } of ops) if (answers !== undefined) thread.claim(answers);
      throw error;
    }
    for (const handed of ops) {
      this.#handed.set(handed.operation[0], handed);
      this.#thread.expect(this.#slot, handed.operation[0], handed.timeoutMs);
    }
    this.#thread.watch();
  }

  /** Ends the sandbox (its whole worker when dedicated); idempotent. */
  async terminate(): Promise<void> {
    if (this.#dead) return;
    this.#dead = true;
    this.#onLoaded?.({ error: 'the sandbox was terminated while loading' });
    const thread = this.#thread;
    if (thread.dedicated) return thread.terminate();
    if (this.#slot >= 0) {
      thread.detach(this.#slot);
      thread.post([INBOX.drop, this.#slot]);
    }
  }

  /** Loads the component into the current thread with `state`; resolves once it is there. */
  #load(
    state: Uint8Array | undefined,
    deadline: { readonly ms: number; readonly limit: string },
  ): Promise<{ instantiateMs: number; prepared: boolean }> {
    const thread = this.#thread;
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(
        () => reject(new Error(`instantiation ran past its ${deadline.ms} ms deadline (${deadline.limit})`)),
        deadline.ms,
      );
      this.#onLoaded = (outcome) => {
        this.#clock.clearTimeout(timer);
        this.#onLoaded = undefined;
        if ('error' in outcome) reject(new Error(outcome.error));
        else resolve(outcome);
      };
      const resident: Resident = {
        report: (report) => this.#handle(thread, report),
        loaded: (outcome) => this.#onLoaded?.(outcome),
        lost: (culprit, failure) => this.#lost(thread, culprit, failure),
      };
      try {
        this.#slot = thread.load(resident, this.#spec, state);
      } catch (error) {
        this.#onLoaded({ error: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  #handle(thread: SchedulerThread, report: WorkerReport): void {
    if (this.#dead || thread !== this.#thread) return;
    switch (report[0]) {
      case REPORT.hostCall: {
        const [, op, startedAt, index, args, oneWay, call] = report;
        const [iface, fn] = this.#imports[index] ?? ['(unknown)', `#${index}`];
        const reply =
          oneWay === 0
            ? atHostCall(thread, call, () => this.#listener.hostCall(op, startedAt, iface, fn, args))
            : this.#listener.hostCall(op, startedAt, iface, fn, args);
        if (oneWay === 0) {
          // A synchronous host function is answered at once: the guest is blocked until it is.
          if (reply instanceof Promise) void this.#answer(thread, iface, fn, call, reply);
          else this.#send(thread, iface, fn, call, reply);
        }
        break;
      }
      case REPORT.done:
        this.#handed.delete(report[1]);
        thread.finished(this.#slot, report[1]);
        this.#listener.done(report[1], report[2], report[3], report[4]);
        break;
      case REPORT.failed:
        this.#fail(report[1], report[3]);
        break;
      case REPORT.halted:
        this.#handed.clear();
        thread.detach(this.#slot);
        this.#listener.halted();
        break;
      case REPORT.answered: {
        // Recorded now, before the reports of what the guest did next.
        const [, call, cell, reply] = report;
        this.#answeredHere.add(call);
        thread.answered(cell, call, reply);
        break;
      }
    }
  }

  async #answer(thread: SchedulerThread, iface: string, fn: string, call: number, pending: Promise<HostReply>): Promise<void> {
    let reply: HostReply;
    try {
      reply = await pending;
    } catch (error) {
      reply = { ok: false, error: `internal error in ${iface}#${fn}: ${String(error)}`, fatal: true };
    }
    this.#send(thread, iface, fn, call, reply);
  }

  /** Posts the reply to blocking host call number `call`; a reply for a worker the sandbox has left is dropped. */
  #send(thread: SchedulerThread, iface: string, fn: string, call: number, reply: HostReply): void {
    // A shared worker goes on without a dropped resident's call: a late reply there would answer nobody.
    if (this.#dead || thread !== this.#thread || thread.dead) return;
    // The worker gave the guest this call's answer already: the kernel's, now recorded, is the same reply.
    if (this.#answeredHere.delete(call)) return;
    try {
      thread.post([INBOX.reply, { ...reply, call } satisfies HostReplyMessage]);
    } catch (error) {
      // The host function returned something that cannot cross to the worker: the guest gets an error instead.
      const unsendable = `${iface}#${fn} returned an unsendable value: ${String(error)}`;
      thread.post([INBOX.reply, { ok: false, error: unsendable, fatal: true, call }]);
    }
  }

  #fail(op: number | undefined, failure: SandboxFailure): void {
    if (this.#dead) return;
    void this.terminate();
    this.#listener.failed(op, failure);
  }

  #lost(thread: SchedulerThread, culprit: Parameters<Resident['lost']>[0], failure: SandboxFailure): void {
    if (this.#dead || thread !== this.#thread) return;
    // Dying while loading is the load's failure (the launcher reports it), not the actor's.
    if (this.#onLoaded !== undefined) return this.#onLoaded({ error: `sandbox worker died while loading: ${failure.message}` });
    if (culprit !== undefined) return this.#fail(culprit.op, culprit.failure);
    if (this.#slot < 0) return;
    void this.#relocate(thread, failure);
  }

  /** Moves to the thread that replaces `dead`, from the committed state; re-hands what had not started. */
  async #relocate(dead: SchedulerThread, cause: SandboxFailure): Promise<void> {
    const unfinished = [...this.#handed.values()];
    this.#handed.clear();
    // Call numbers are the dead worker's: the new one numbers its calls afresh.
    this.#answeredHere.clear();
    this.#moving = [];
    const { state, retry } = this.#listener.relocating(
      unfinished.map(({ operation }) => operation[0]),
      cause,
    );
    const again = new Set(retry);
    const rerun = unfinished.filter(({ operation }) => again.has(operation[0]));
    try {
      this.#thread = await this.#replace(dead);
      if (this.#dead) return;
      this.#slot = -1;
      await this.#load(state, { ms: Math.max(...unfinished.map((h) => h.timeoutMs), 30_000), limit: 'relocation' });
    } catch (error) {
      this.#moving = undefined;
      const message = error instanceof Error ? error.message : String(error);
      return this.#fail(undefined, { kind: 'internal', message: `it could not be moved to a new worker: ${message}` });
    }
    const waiting = [...rerun, ...this.#moving];
    this.#moving = undefined;
    if (this.#dead) {
      this.#dead = false;
      return void this.terminate();
    }
    this.#listener.relocated();
    // A stop asked for meanwhile: what had not run never will (the listener hears `halted`).
    if (this.#halted) this.#thread.post([INBOX.halt, this.#slot]);
    else if (waiting.length > 0) this.run(waiting);
  }
}
