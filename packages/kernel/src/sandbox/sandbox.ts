/**
 * The kernel's side of one actor's sandbox worker: loads the component into it, hands it operations, answers its
 * host calls, and enforces deadlines by terminating the worker when an operation runs past its own.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import {
  CONTROL,
  FROM_WORKER,
  type FromWorker,
  type GuestFailure,
  type HostReply,
  type HostReplyMessage,
  type InstanceSpec,
  type OperationMessage,
  type WorkerReport,
  importTable,
  REPORT,
  TO_WORKER,
} from './protocol.js';

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
}

/** Why a sandbox stopped running operations. */
export type SandboxFailure = GuestFailure | { readonly kind: 'operation-timeout'; readonly message: string };

/** Options for loading a component into a sandbox. */
export interface SandboxLoad extends InstanceSpec {
  readonly state: Uint8Array | undefined;
  /** True when the worker has instantiated this component ahead of time (its modules need not be sent). */
  readonly prepared: boolean;
}

/** One actor's worker. */
export class Sandbox {
  readonly #worker: Worker;
  readonly #listener: SandboxListener;
  readonly #control = new SharedArrayBuffer(CONTROL.bytes);
  readonly #flags = new Int32Array(this.#control);
  readonly #startedAt = new Float64Array(this.#control, CONTROL.startedAtByte, 1);
  readonly #hostPort: MessageChannel;
  /** Deadline (ms) of each dispatched, unfinished operation. */
  readonly #timeouts = new Map<number, number>();
  readonly #clock: Clock;
  #watchdog: TimerHandle | undefined;
  #dead = false;

  /** The imported functions, numbered as the worker numbers them in its reports. */
  readonly #imports: (readonly [iface: string, fn: string])[];

  private constructor(worker: Worker, listener: SandboxListener, imports: InstanceSpec['imports'], clock: Clock) {
    this.#worker = worker;
    this.#clock = clock;
    this.#imports = importTable(imports);
    this.#listener = listener;
    this.#hostPort = new MessageChannel();
    this.#hostPort.port1.unref();
  }

  /**
   * Loads a component into `worker`; rejects with the instantiation error if it cannot start. Instantiation may run
   * guest start code, so it has a deadline like any other guest work; `deadline.limit` names the setting it comes
   * from, for the message. Deadlines are measured and slept on `clock`; the worker stamps an operation's start with
   * the real wall time (`Date.now`), so the clock's `now()` must not run ahead of it (a TestClock starts at it).
   */
  static async load(
    worker: Worker,
    load: SandboxLoad,
    listener: SandboxListener,
    deadline: { readonly ms: number; readonly limit: string },
    clock: Clock = systemClock,
  ): Promise<{ sandbox: Sandbox; instantiateMs: number; prepared: boolean }> {
    const sandbox = new Sandbox(worker, listener, load.imports, clock);
    Atomics.store(sandbox.#flags, CONTROL.runningOp, -1);
    let timer: TimerHandle | undefined;
    const loaded = new Promise<{ instantiateMs: number; prepared: boolean }>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.kind !== FROM_WORKER.loaded && message.kind !== FROM_WORKER.loadFailed) return; // e.g. a late 'prepared'
        worker.off('message', onMessage);
        if (message.kind === FROM_WORKER.loaded) resolve(message);
        else reject(new Error(message.message));
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`sandbox worker exited with code ${code} while loading`)));
      timer = clock.setTimeout(
        () => reject(new Error(`instantiation ran past its ${deadline.ms} ms deadline (${deadline.limit})`)),
        deadline.ms,
      );
    });
    const { prepared: _prepared, ...spec } = load;
    const message = {
      kind: TO_WORKER.load,
      ...spec,
      modules: load.prepared ? undefined : load.modules,
      control: sandbox.#control,
      hostPort: sandbox.#hostPort.port2,
    };
    worker.postMessage(message, [sandbox.#hostPort.port2]);
    try {
      const { instantiateMs, prepared } = await loaded;
      worker.removeAllListeners('exit');
      sandbox.#listen();
      return { sandbox, instantiateMs, prepared };
    } catch (error) {
      await sandbox.terminate();
      throw error;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /**
   * Asks the worker to stop before its next operation; the listener's `halted` (or `done`/`failed` for the ones
   * already running) follows.
   */
  halt(): void {
    Atomics.store(this.#flags, CONTROL.halt, 1);
  }

  /** Queues operations; each is reported to the listener in order. `timeoutMs` bounds each one. */
  run(ops: readonly { readonly operation: OperationMessage; readonly timeoutMs: number }[]): void {
    if (this.#dead) throw new Error('sandbox is dead');
    // Throws (and queues nothing) when the params cannot be cloned to the worker.
    this.#worker.postMessage({ kind: TO_WORKER.run, ops: ops.map(({ operation }) => operation) });
    for (const { operation, timeoutMs } of ops) this.#timeouts.set(operation[0], timeoutMs);
    this.#armWatchdog();
  }

  /** Terminates the worker; idempotent. */
  async terminate(): Promise<void> {
    this.#dead = true;
    this.#clearWatchdog();
    this.#hostPort.port1.close();
    await this.#worker.terminate();
  }

  #listen(): void {
    this.#worker.on('message', (message: FromWorker) => {
      if (message.kind !== FROM_WORKER.batch) return;
      for (const report of message.items) {
        if (this.#dead) return;
        this.#handle(report);
      }
    });
    this.#worker.on('error', (error: Error & { code?: string }) => {
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#die(this.#runningOp(), { kind: oom ? 'out-of-memory' : 'internal', message: String(error) });
    });
    this.#worker.on('exit', (code) => {
      this.#die(this.#runningOp(), { kind: 'internal', message: `sandbox worker exited unexpectedly (code ${code})` });
    });
  }

  #handle(report: WorkerReport): void {
    switch (report[0]) {
      case REPORT.hostCall: {
        const [, op, startedAt, index, args, oneWay, call] = report;
        const [iface, fn] = this.#imports[index] ?? ['(unknown)', `#${index}`];
        const reply = this.#listener.hostCall(op, startedAt, iface, fn, args);
        if (oneWay === 0) {
          // A synchronous host function is answered at once: the guest is blocked until it is.
          if (reply instanceof Promise) void this.#answer(iface, fn, call, reply);
          else this.#send(iface, fn, call, reply);
        }
        break;
      }
      case REPORT.done:
        this.#timeouts.delete(report[1]);
        this.#listener.done(report[1], report[2], report[3], report[4]);
        break;
      case REPORT.failed:
        this.#die(report[1], report[3]);
        break;
      case REPORT.halted:
        this.#timeouts.clear();
        this.#listener.halted();
        break;
    }
  }

  #runningOp(): number | undefined {
    const op = Atomics.load(this.#flags, CONTROL.runningOp);
    return op >= 0 ? op : undefined;
  }

  async #answer(iface: string, fn: string, call: number, pending: HostReply | Promise<HostReply>): Promise<void> {
    let reply: HostReply;
    try {
      reply = await pending;
    } catch (error) {
      reply = { ok: false, error: `internal error in ${iface}#${fn}: ${String(error)}`, fatal: true };
    }
    this.#send(iface, fn, call, reply);
  }

  /** Posts the reply to blocking host call number `call`; the worker refuses a reply that names another call. */
  #send(iface: string, fn: string, call: number, reply: HostReply): void {
    if (this.#dead) return;
    try {
      this.#hostPort.port1.postMessage({ ...reply, call } satisfies HostReplyMessage);
    } catch (error) {
      // The host function returned something that cannot cross to the worker: the guest gets an error instead.
      const unsendable: HostReplyMessage = {
        ok: false,
        error: `${iface}#${fn} returned an unsendable value: ${String(error)}`,
        fatal: true,
        call,
      };
      this.#hostPort.port1.postMessage(unsendable);
    }
    Atomics.store(this.#flags, CONTROL.replyReady, 1);
    Atomics.notify(this.#flags, CONTROL.replyReady);
  }

  #die(op: number | undefined, failure: SandboxFailure): void {
    if (this.#dead) return;
    void this.terminate();
    this.#listener.failed(op, failure);
  }

  // The watchdog sleeps until the running operation's deadline; V8 cannot interrupt wasm, so it terminates the worker.
  #armWatchdog(): void {
    this.#clearWatchdog();
    if (this.#dead || this.#timeouts.size === 0) return;
    const running = Atomics.load(this.#flags, CONTROL.runningOp);
    const timeout = this.#timeouts.get(running);
    // A queued operation cannot start before now, so none can pass its deadline before now + the smallest timeout.
    let delay = Math.min(...this.#timeouts.values());
    if (running >= 0 && timeout !== undefined) {
      const remaining = this.#startedAt[0]! + timeout - this.#clock.now();
      if (remaining <= 0) {
        this.#die(running, { kind: 'operation-timeout', message: `operation ran past its ${timeout} ms deadline` });
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
