/**
 * One actor: its mailbox, its sandbox, its state and its chain. Operations run one at a time in mailbox order;
 * several may be handed to the worker at once (it runs them in order), but each one's events are recorded in the
 * order they happened and its state is committed before its caller hears the result.
 */
import { encodeEventData, type ChainEvent, type ChainStore, type ReadRange } from '@theater/event-chain';
import type { ActorChain } from '../chain/actorChain.js';
import { HostCallError, type ActorState, type HostImplementation } from '../handler.js';
import type { Inspector } from '../inspection.js';
import { KernelError, isKernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import { toJsName } from '../component/interfaceDeclarations.js';
import type { Sandbox, SandboxFailure } from '../sandbox/sandbox.js';
import type { HostReply } from '../sandbox/protocol.js';
import type { Actor, ActorExit, ActorStatus } from './actor.js';
import type { ActorFailure, FailureReason } from './actorFailure.js';
import { Mailbox } from './mailbox.js';
import type { MessageRouter } from '../messaging/messageRouter.js';
import { redactedHostCall, redactionOf } from '../redaction.js';

const ACTOR = 'theater:simple/actor';
const MESSAGES = 'theater:simple/message-server-client';
/** How many operations may be handed to the worker ahead of their results. */
const MAX_IN_FLIGHT = 256;
const NOTHING_WITHHELD: readonly string[] = [];

/** The manifest limit an operation's deadline comes from: `init` has its own, every other export the call timeout. */
type DeadlineLimit = 'init_timeout_ms' | 'call_timeout_ms';

interface Operation {
  readonly id: number;
  readonly iface: string;
  readonly fn: string;
  readonly params: readonly unknown[];
  readonly timeoutMs: number;
  readonly limit: DeadlineLimit;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Told the output the moment the guest returns it, before it is durable (see `offer`). */
  readonly onOutput: ((output: unknown) => void) | undefined;
  callRecorded: boolean;
}

/** Everything an actor needs from its system. */
export interface ActorInstanceOptions {
  readonly id: string;
  readonly manifest: Manifest;
  readonly componentHash: string;
  readonly chain: ActorChain;
  readonly inspector: Inspector;
  readonly now: () => number;
  /** The export functions the component has, as `interface#wit-name`. */
  readonly exports: ReadonlySet<string>;
  /** Routes requests (with deferred replies) to actors. */
  readonly router: MessageRouter;
  /** Runs when the actor starts stopping, before its instance ends (its children stop here). */
  readonly beforeStop?: () => Promise<void>;
}

/** The kernel's implementation of an actor. */
export class ActorInstance implements Actor {
  readonly id: string;
  readonly manifest: Manifest;
  readonly componentHash: string;
  readonly exited: Promise<ActorExit>;
  readonly #chain: ActorChain;
  readonly #inspect: Inspector;
  readonly #now: () => number;
  readonly #exports: ReadonlySet<string>;
  readonly #router: MessageRouter;
  readonly #beforeStop: (() => Promise<void>) | undefined;
  readonly #mailbox: Mailbox<Operation>;
  readonly #inFlight = new Map<number, Operation>();
  #host: HostImplementation = {};
  #sandbox: Sandbox | undefined;
  #status: ActorStatus = 'starting';
  #failure: ActorFailure | undefined;
  #state: ActorState;
  #nextOp = 0;
  #pumpScheduled = false;
  #shutdownRequest: { data: ActorState } | undefined;
  #resolveExit!: (exit: ActorExit) => void;
  #stopping: Promise<void> | undefined;
  /** Waiters for the next committed or failed operation (used while stopping). */
  readonly #progress: (() => void)[] = [];

  constructor(options: ActorInstanceOptions) {
    this.id = options.id;
    this.manifest = options.manifest;
    this.componentHash = options.componentHash;
    this.#chain = options.chain;
    this.#inspect = options.inspector;
    this.#now = options.now;
    this.#exports = options.exports;
    this.#router = options.router;
    this.#beforeStop = options.beforeStop;
    this.#mailbox = new Mailbox(options.manifest.limits.mailbox);
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  get name(): string {
    return this.manifest.name;
  }

  get status(): ActorStatus {
    return this.#status;
  }

  get failure(): ActorFailure | undefined {
    return this.#failure;
  }

  state(): ActorState {
    return this.#state;
  }

  /** The store this actor's chain is written to. */
  get chainStore(): ChainStore {
    return this.#chain.store;
  }

  events(range?: ReadRange): Promise<ChainEvent[]> {
    return this.#chain.read(range);
  }

  /** Resolves once every event recorded so far is written to `chainStore`. */
  flush(): Promise<void> {
    return this.#chain.flush();
  }

  /** Records an event in the actor's chain (durable by the next flush); an actor whose chain broke fails. */
  record(type: string, payload: unknown, time = this.#now()): void {
    try {
      this.#record(type, payload, time);
    } catch (error) {
      queueMicrotask(() => this.#fail({ reason: 'internal', message: `its chain could not be written: ${messageOf(error)}`, during: undefined }));
    }
  }

  #record(type: string, payload: unknown, time = this.#now()): void {
    this.#chain.record({ type, data: encodeEventData(payload), time: Math.trunc(time) });
  }

  /** Called by the runtime handler: stop once the running operation has committed. */
  requestShutdown(data: ActorState): void {
    this.#shutdownRequest ??= { data };
  }

  /** Attaches the loaded sandbox and host functions, then runs `init`; throws a KernelError if init fails. */
  async start(sandbox: Sandbox, host: HostImplementation, state: ActorState): Promise<void> {
    if (this.#status !== 'starting') {
      // Stopped (or the system closed) while it was being instantiated: it never runs.
      await sandbox.terminate();
      throw new KernelError('actor-not-running', `actor ${this.name} (${this.id}) was stopped before it started`);
    }
    this.#sandbox = sandbox;
    this.#host = host;
    this.#state = state;
    this.#status = 'running';
    try {
      await this.#enqueue(ACTOR, 'init', [this.id], 'init_timeout_ms');
    } catch (error) {
      if (this.#failure !== undefined) {
        // The caller hears of the failure once it is in the chain.
        await this.exited;
        throw new KernelError('init-failed', `actor ${this.name} (${this.id}) failed to start: ${this.#failure.message}`, {
          cause: error,
          actor: this,
        });
      }
      throw error;
    }
  }

  async send(message: Uint8Array): Promise<void> {
    assertBytes(message, 'message');
    this.#router.assertReceives(this);
    // Copied: the caller may reuse its buffer, and the chain must record the bytes the guest received.
    await this.#enqueue(MESSAGES, 'handle-send', [message.slice()], 'call_timeout_ms');
  }

  request(message: Uint8Array): Promise<Uint8Array> {
    assertBytes(message, 'message');
    const timeoutMs = this.manifest.limits.callTimeoutMs;
    return this.#router.request(undefined, this.id, message.slice(), timeoutMs).catch((error: unknown) => {
      if (!isKernelError(error, 'request-timeout')) throw error;
      throw new KernelError('request-timeout', `actor ${this.name} (${this.id}) did not answer the request within ${timeoutMs} ms (limits.call_timeout_ms)`, { cause: error });
    });
  }

  /**
   * Queues a call of `iface#fn` in mailbox order and returns its result's promise; a refusal (not running, export
   * missing, mailbox full) is thrown at once, so a sender can report it before moving on. `params` are not copied.
   * `onOutput` learns the output as soon as the guest returns it, before the next operation runs (the router marks
   * a request deferred there, so the actor's next operation already sees it outstanding).
   */
  offer(iface: string, fn: string, params: readonly unknown[], onOutput?: (output: unknown) => void): Promise<unknown> {
    return this.#queue(iface, fn, params, 'call_timeout_ms', onOutput);
  }

  /**
   * Like `offer`, outside the mailbox bound: a system notice (a child's failure or exit for `supervisor-handlers`),
   * which must never be lost to a full mailbox. The supervision tree bounds how many it sends.
   */
  notify(iface: string, fn: string, params: readonly unknown[]): Promise<unknown> {
    return this.#queue(iface, fn, params, 'call_timeout_ms', undefined, false);
  }

  call(iface: string, fn: string, params: readonly unknown[]): Promise<unknown> {
    if (!Array.isArray(params)) throw new TypeError('expected params as an array (the WIT params tuple)');
    let copy: readonly unknown[];
    try {
      copy = structuredClone(params);
    } catch (error) {
      return Promise.reject(new TypeError(`params cannot be sent to the actor: ${String(error)}`));
    }
    return this.#enqueue(iface, fn, copy, 'call_timeout_ms');
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop('request', undefined);
    return this.#stopping;
  }

  /**
   * Fails the actor from outside: one that never got a sandbox (instantiation refused), or a supervisor whose
   * children restarted too often.
   */
  abort(reason: FailureReason, message: string): void {
    this.#fail({ reason, message, during: undefined });
  }

  /** Like `#queue`, with a refusal as the returned promise's rejection (for callers that only await). */
  #enqueue(iface: string, fn: string, params: readonly unknown[], limit: DeadlineLimit): Promise<unknown> {
    try {
      return this.#queue(iface, fn, params, limit);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Puts an operation in the mailbox; a refusal (not running, export missing, mailbox full when `bounded`) is thrown. */
  #queue(iface: string, fn: string, params: readonly unknown[], limit: DeadlineLimit, onOutput?: (output: unknown) => void, bounded = true): Promise<unknown> {
    if (this.#status !== 'running' || this.#shutdownRequest !== undefined) {
      const why = this.#failure === undefined ? `is ${this.#status}` : `failed: ${this.#failure.message}`;
      throw new KernelError('actor-not-running', `actor ${this.name} (${this.id}) ${why}`);
    }
    if (!this.#exports.has(`${iface}#${fn}`)) {
      throw new KernelError('export-missing', `actor ${this.name} (${this.id}) does not export ${iface}#${fn}`);
    }
    if (bounded && this.#waiting() >= this.#mailbox.capacity) throw this.#mailboxFull();
    let op!: Operation;
    const result = new Promise<unknown>((resolve, reject) => {
      const timeoutMs = limit === 'init_timeout_ms' ? this.manifest.limits.initTimeoutMs : this.manifest.limits.callTimeoutMs;
      op = { id: this.#nextOp++, iface, fn, params, timeoutMs, limit, resolve, reject, callRecorded: false, onOutput };
    });
    if (!bounded) this.#mailbox.push(op);
    else if (!this.#mailbox.offer(op)) throw this.#mailboxFull();
    this.#schedulePump();
    return result;
  }

  /**
   * Operations waiting behind the running one: those queued here and those already handed to the worker (which
   * runs them in order), so that handing work ahead never widens the mailbox the manifest allows.
   */
  #waiting(): number {
    return this.#mailbox.size + Math.max(0, this.#inFlight.size - 1);
  }

  #mailboxFull(): KernelError {
    return new KernelError('mailbox-full', `actor ${this.name} (${this.id}) has ${this.#mailbox.capacity} operations waiting; try again later`);
  }

  // Pumping on a microtask lets messages sent in the same tick travel to the worker together.
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const sandbox = this.#sandbox;
    if (sandbox === undefined || this.#status !== 'running' || this.#shutdownRequest !== undefined) return;
    // Refill only once half the window has drained, so the worker gets work in chunks, not one op per result.
    if (this.#inFlight.size > MAX_IN_FLIGHT / 2 || this.#mailbox.size === 0) return;
    const room = MAX_IN_FLIGHT - this.#inFlight.size;
    const batch = this.#mailbox.take(room);
    try {
      sandbox.run(batch.map((op) => ({ operation: [op.id, op.iface, toJsName(op.fn), op.params], timeoutMs: op.timeoutMs })));
    } catch (error) {
      // Only `call()` can pass params that cannot be cloned to the worker; nothing of the batch was sent.
      for (const op of batch) op.reject(new TypeError(`params cannot be sent to the actor: ${String(error)}`));
      this.#schedulePump();
      return;
    }
    for (const op of batch) this.#inFlight.set(op.id, op);
  }

  #recordCall(op: Operation, startedAt: number): void {
    if (op.callRecorded) return;
    op.callRecorded = true;
    this.record('wasm.call', { interface: op.iface, function: op.fn, params: op.params }, startedAt);
  }

  /** The sandbox listener: host calls, results and failures, in the order the guest produced them. */
  readonly listener = {
    hostCall: (opId: number, startedAt: number, iface: string, fn: string, args: readonly unknown[]): HostReply | Promise<HostReply> => {
      const op = this.#inFlight.get(opId);
      if (op !== undefined) this.#recordCall(op, startedAt);
      const implementation = this.#host[iface]?.[toJsName(fn)] as ((...a: readonly unknown[]) => unknown) | undefined;
      const type = `${iface}.${fn}`;
      if (implementation === undefined) {
        this.record(type, { args, error: 'not granted' });
        return { ok: false, error: `${iface}#${fn} is not granted to this actor`, fatal: true };
      }
      const settle = (outcome: { value: unknown } | { error: unknown }): HostReply => {
        // An async host call that settles after the actor ended (its deadline passed meanwhile) has no guest to
        // answer, and the chain already ends with the failure: nothing is recorded after an actor's last event.
        if (this.#status === 'failed' || this.#status === 'stopped') return { ok: false, error: 'the actor has ended', fatal: true };
        // A redacted function's secrets (an API key, an authorization header) reach the guest but not the chain.
        const redaction = redactionOf(implementation);
        const withheldFrom = (result: unknown): readonly string[] | undefined => {
          try {
            return redaction?.(args, result) ?? NOTHING_WITHHELD;
          } catch {
            return undefined;
          }
        };
        const value = 'value' in outcome ? outcome.value : undefined;
        const withheld = withheldFrom(value);
        if (withheld === undefined) {
          // A redaction that throws cannot say what is secret: fail closed, recording neither args nor outcome.
          const failure = `internal error: the ${type} handler could not tell what to withhold from the chain`;
          this.record(type, { error: failure });
          return { ok: false, error: failure, fatal: true };
        }
        if ('value' in outcome) {
          const result = value ?? null;
          this.record(type, withheld.length === 0 ? { args, result } : redactedHostCall(args, { result }, withheld));
          return { ok: true, value };
        }
        const { error } = outcome;
        const message = error instanceof HostCallError ? error.message : `internal error: ${String(error)}`;
        this.record(type, withheld.length === 0 ? { args, error: message } : redactedHostCall(args, { error: message }, withheld));
        return { ok: false, error: message, fatal: false };
      };
      try {
        const value = implementation(...args);
        // Synchronous host functions are recorded at once, keeping the chain in the order the guest acted.
        if (!(value instanceof Promise)) return settle({ value });
        return value.then((resolved: unknown) => settle({ value: resolved }), (error: unknown) => settle({ error }));
      } catch (error) {
        return settle({ error });
      }
    },

    done: (opId: number, startedAt: number, state: ActorState, output: unknown): void => {
      const op = this.#inFlight.get(opId);
      if (op === undefined) return;
      this.#recordCall(op, startedAt);
      this.#inFlight.delete(opId);
      this.#state = state;
      this.record('wasm.result', { interface: op.iface, function: op.fn, state: state ?? null, output: output ?? null });
      op.onOutput?.(output);
      // The caller hears the result only once its events are durable; flushes resolve in recording order.
      this.#chain.flush().then(
        () => op.resolve(output),
        (error: unknown) => {
          op.reject(chainWriteFailed(this, error));
          this.#fail({ reason: 'internal', message: `its chain could not be written: ${messageOf(error)}`, during: `${op.iface}#${op.fn}` });
        },
      );
      this.#notifyProgress();
      if (this.#shutdownRequest !== undefined) {
        this.#stopping ??= this.#stop('self', this.#shutdownRequest.data);
      } else {
        this.#pump();
      }
    },

    halted: (): void => {
      const refused = new KernelError('actor-not-running', `actor ${this.name} (${this.id}) stopped before this operation ran`);
      for (const op of this.#inFlight.values()) op.reject(refused);
      this.#inFlight.clear();
      this.#notifyProgress();
    },

    failed: (opId: number | undefined, failure: SandboxFailure): void => {
      const op = opId === undefined ? undefined : this.#inFlight.get(opId);
      const during = op === undefined ? undefined : `${op.iface}#${op.fn}`;
      const reason: FailureReason =
        op?.iface === ACTOR && failure.kind !== 'operation-timeout' && failure.kind !== 'out-of-memory'
          ? 'init-failed'
          : failure.kind;
      // The sandbox knows the deadline, not which limit of the manifest set it.
      const message =
        failure.kind === 'operation-timeout' && op !== undefined
          ? `operation ran past its ${op.timeoutMs} ms deadline (limits.${op.limit})`
          : failure.message;
      if (op !== undefined) {
        this.#recordCall(op, this.#now());
        this.record('wasm.error', { interface: op.iface, function: op.fn, reason, message });
      }
      this.#fail({ reason, message, during });
    },
  };

  #fail(failure: ActorFailure): void {
    if (this.#status === 'failed' || this.#status === 'stopped') return;
    this.#status = 'failed';
    this.#failure = failure;
    const error = new KernelError('actor-failed', `actor ${this.name} (${this.id}) failed (${failure.reason}): ${failure.message}`);
    this.#rejectPending(error);
    void this.#sandbox?.terminate();
    this.#inspect({ type: 'actor.failed', actorId: this.id, reason: failure.reason, message: failure.message });
    this.#notifyProgress();
    // The exit is reported once the failure is in the chain and the head is signed, or the chain has failed.
    void this.#recordEnd('actor.fail', failure)
      .catch(() => {})
      .then(() => this.#resolveExit({ status: 'failed', failure }));
  }

  /** Records the last event, makes the chain durable and signs its head. */
  async #recordEnd(type: string, payload: unknown): Promise<void> {
    try {
      this.#record(type, payload);
    } finally {
      await this.#chain.seal();
    }
  }

  async #stop(by: 'request' | 'self', data: ActorState): Promise<void> {
    // A failed actor has nothing left to stop, but its caller may close the system next: wait for the signed end.
    if (this.#status === 'failed') return void (await this.exited);
    if (this.#status === 'stopped') return;
    this.#status = 'stopping';
    const refused = new KernelError('actor-not-running', `actor ${this.name} (${this.id}) is stopping`);
    for (const op of this.#mailbox.drain()) op.reject(refused);
    await this.#beforeStop?.().catch(() => {});
    // The operation running now finishes (bounded by its deadline); those queued in the worker never start.
    if (by === 'request' && this.#inFlight.size > 0) {
      this.#sandbox?.halt();
      while (this.#inFlight.size > 0 && (this.#status as ActorStatus) === 'stopping') await this.#anyProgress();
    }
    if ((this.#status as ActorStatus) === 'failed') return void (await this.exited);
    this.#rejectPending(refused);
    await this.#sandbox?.terminate();
    this.#status = 'stopped';
    try {
      await this.#recordEnd('actor.stop', { by, data: data ?? null });
    } catch (error) {
      throw chainWriteFailed(this, error);
    } finally {
      this.#inspect({ type: 'actor.stopped', actorId: this.id, by, data });
      this.#resolveExit({ status: 'stopped', by, data });
    }
  }

  #anyProgress(): Promise<void> {
    return new Promise((resolve) => this.#progress.push(resolve));
  }

  #notifyProgress(): void {
    for (const resolve of this.#progress.splice(0)) resolve();
  }

  #rejectPending(error: KernelError): void {
    for (const op of this.#inFlight.values()) op.reject(error);
    this.#inFlight.clear();
    for (const op of this.#mailbox.drain()) op.reject(error);
  }
}

function chainWriteFailed(actor: ActorInstance, cause: unknown): KernelError {
  return new KernelError('chain-write-failed', `the chain of actor ${actor.name} (${actor.id}) could not be written: ${messageOf(cause)}`, { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`expected ${what} as a Uint8Array, got ${typeof value}`);
}
