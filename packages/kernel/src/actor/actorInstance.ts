/**
 * One actor: its lifecycle, its operation queue, its sandbox, its state and its chain. Operations run one at a time in
 * mailbox order; several may be handed to the worker at once (it runs them in order, see `operationQueue.ts`), but
 * each one's events are recorded in the order they happened and its state is committed before its caller hears the
 * result. What the sandbox reports is handled by `actorListener.ts`, host calls by `hostDispatch.ts`.
 */
import type { ChainEvent, ChainStore, ReadRange } from '@theater/event-chain';
import { systemClock } from '../clock.js';
import { actorFailEvent, actorStopEvent, type EncodedEvent } from '../chain/chainEvents.js';
import type { ActorState, HostImplementation } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import { toJsName } from '../component/interfaceDeclarations.js';
import type { Sandbox, SandboxListener } from '../sandbox/sandbox.js';
import type { Actor, ActorExit, ActorStatus } from './actor.js';
import type { ActorFailure, FailureReason } from './actorFailure.js';
import { createActorListener } from './actorListener.js';
import { callFromOutside, requestFromOutside, sendFromOutside } from './externalMessages.js';
import { ActorRecorder, chainWriteFailed, messageOf } from './actorRecorder.js';
import type { ActorInstanceOptions, EnqueueOptions } from './actorInstanceOptions.js';
import { OperationQueue } from './operationQueue.js';

import { ACTOR_INTERFACE as ACTOR } from '../component/checkCompatibility.js';

/** The kernel's implementation of an actor. */
export class ActorInstance implements Actor {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly manifest: Manifest;
  readonly componentHash: string;
  readonly exited: Promise<ActorExit>;
  /** The sandbox listener: host calls, results and failures, in the order the guest produced them. */
  readonly listener: SandboxListener;
  readonly #options: ActorInstanceOptions;
  readonly #recorder: ActorRecorder;
  readonly #queue: OperationQueue;
  #host: HostImplementation = {};
  #sandbox: Sandbox | undefined;
  #status: ActorStatus = 'starting';
  #failure: ActorFailure | undefined;
  #state: ActorState;
  #shutdownRequest: { data: ActorState } | undefined;
  #resolveExit!: (exit: ActorExit) => void;
  #stopping: Promise<void> | undefined;

  constructor(options: ActorInstanceOptions) {
    this.id = options.id;
    this.parentId = options.parentId;
    this.manifest = options.manifest;
    this.componentHash = options.componentHash;
    this.#options = options;
    this.#recorder = new ActorRecorder(options.chain, options.now, (error) => {
      this.#fail({ reason: 'internal', message: `its chain could not be written: ${messageOf(error)}`, during: undefined });
    });
    this.#queue = new OperationQueue(`actor ${this.name} (${this.id})`, options.manifest.limits, {
      ready: () => this.#sandbox !== undefined && this.#status === 'running' && this.#shutdownRequest === undefined,
      run: (batch) =>
        this.#sandbox!.run(
          batch.map((op) => ({ operation: [op.id, op.iface, toJsName(op.fn), op.params], timeoutMs: op.timeoutMs, answers: op.answers })),
        ),
    });
    this.listener = createActorListener({
      name: this.name,
      id: this.id,
      queue: this.#queue,
      recorder: this.#recorder,
      host: () => this.#host,
      ended: () => this.#status === 'failed' || this.#status === 'stopped',
      commit: (state) => (this.#state = state),
      next: () => {
        if (this.#shutdownRequest === undefined) this.#queue.pump();
        else this.#stopping ??= this.#stop('self', this.#shutdownRequest.data);
      },
      fail: (failure) => this.#fail(failure),
      committed: () => this.#state,
      stopping: () => this.#shutdownRequest !== undefined || this.#status !== 'running',
      relocated: () => this.#options.inspector({ type: 'actor.relocated', actorId: this.id, parentId: this.parentId, name: this.name }),
    });
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
    return this.#recorder.store;
  }

  events(range?: ReadRange): Promise<ChainEvent[]> {
    return this.#recorder.read(range);
  }

  /** Resolves once every event recorded so far is written to `chainStore`. */
  flush(): Promise<void> {
    return this.#recorder.flush();
  }

  /**
   * The actor's guest saw a result of actor `from` before it was durable (a reply): nothing of its chain recorded from
   * now on is written before `durable` resolves, so its events (and the results its callers hear, which wait for
   * them) never get ahead of what they depend on, also after a crash. If it rejects, the actor's chain breaks and the
   * actor fails: its state holds what may be lost.
   */
  commitAfter(from: string, durable: Promise<unknown>): void {
    this.#recorder.writeAfter(
      durable.catch((error: unknown) => {
        throw new Error(`a reply of actor ${from} could not be made durable: ${messageOf(error)}`);
      }),
    );
  }

  /** Records an event in the actor's chain (durable by the next flush); an actor whose chain broke fails. */
  record(event: EncodedEvent): void {
    this.#recorder.record(event);
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
      await this.enqueue(ACTOR, 'init', [this.id], { limit: 'init_timeout_ms' });
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

  send(message: Uint8Array): Promise<void> {
    return sendFromOutside(this.#options.router, this, message);
  }

  request(message: Uint8Array): Promise<Uint8Array> {
    return requestFromOutside(this.#options.router, this, message);
  }

  call(iface: string, fn: string, params: readonly unknown[]): Promise<unknown> {
    return callFromOutside(this, iface, fn, params);
  }

  /**
   * Puts a call of `iface#fn` in the mailbox and returns its result's promise; a refusal (not running, export
   * missing, mailbox full) is thrown at once, so a sender can report it before moving on. `params` are not copied.
   * `onOutput` learns the output as soon as the guest returns it, before the next operation runs (the router marks
   * a request deferred there, so the actor's next operation already sees it outstanding).
   */
  enqueue(iface: string, fn: string, params: readonly unknown[], options: EnqueueOptions = {}): Promise<unknown> {
    if (this.#status !== 'running' || this.#shutdownRequest !== undefined) {
      const why = this.#failure === undefined ? `is ${this.#status}` : `failed: ${this.#failure.message}`;
      throw new KernelError('actor-not-running', `actor ${this.name} (${this.id}) ${why}`);
    }
    if (!this.#options.exports.has(`${iface}#${fn}`)) {
      throw new KernelError('export-missing', `actor ${this.name} (${this.id}) does not export ${iface}#${fn}`);
    }
    return this.#queue.enqueue(
      { iface, fn, params, limit: options.limit ?? 'call_timeout_ms', onOutput: options.onOutput, answers: options.answers },
      options.outsideBound === true ? 'outside' : options.reserved === true ? 'reserved' : 'bounded',
    );
  }

  /** Free mailbox places: neither taken nor reserved. */
  get room(): number {
    return this.#queue.room;
  }

  /** Reserves up to `count` free mailbox places for a sender's credit; returns how many. */
  reserve(count: number): number {
    return this.#queue.reserve(count);
  }

  /** Gives back reserved mailbox places a sender will not use. */
  release(count: number): void {
    this.#queue.release(count);
  }

  /**
   * Like `enqueue`, outside the mailbox bound: a system notice (a child's failure or exit for `supervisor-handlers`),
   * which must never be lost to a full mailbox. The supervision tree bounds how many it sends.
   */
  notify(iface: string, fn: string, params: readonly unknown[]): Promise<unknown> {
    return this.enqueue(iface, fn, params, { outsideBound: true });
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

  #fail(failure: ActorFailure): void {
    if (this.#status === 'failed' || this.#status === 'stopped') return;
    this.#status = 'failed';
    this.#failure = failure;
    const error = new KernelError('actor-failed', `actor ${this.name} (${this.id}) failed (${failure.reason}): ${failure.message}`);
    this.#queue.rejectAll(error);
    // A result the worker already gave a co-resident requester is awaited: it goes in the chain before the failure.
    // The worker starts nothing more meanwhile.
    if (this.#queue.inFlight > 0) this.#sandbox?.halt();
    const kept = this.#queue.kept(error, this.#options.clock ?? systemClock);
    void kept.then(() => this.#sandbox?.terminate());
    this.#options.inspector({
      type: 'actor.failed',
      actorId: this.id,
      parentId: this.parentId,
      reason: failure.reason,
      message: failure.message,
    });
    // The exit is reported once the failure is in the chain and the head is signed, or the chain has failed.
    void kept
      .then(() => this.#recorder.end(actorFailEvent.encode(failure)))
      .catch(() => {})
      .then(() => this.#resolveExit({ status: 'failed', failure }));
  }

  async #stop(by: 'request' | 'self', data: ActorState): Promise<void> {
    // A failed actor has nothing left to stop, but its caller may close the system next: wait for the signed end.
    if (this.#status === 'failed') return void (await this.exited);
    if (this.#status === 'stopped') return;
    this.#status = 'stopping';
    const refused = new KernelError('actor-not-running', `actor ${this.name} (${this.id}) is stopping`);
    this.#queue.rejectQueued(refused);
    await this.#options.beforeStop?.().catch(() => {});
    // The operation running now finishes (bounded by its deadline); those queued in the worker never start.
    if (by === 'request' && this.#queue.inFlight > 0) {
      this.#sandbox?.halt();
      while (this.#queue.inFlight > 0 && (this.#status as ActorStatus) === 'stopping') await this.#queue.progress();
    }
    if ((this.#status as ActorStatus) === 'failed') return void (await this.exited);
    this.#queue.rejectAll(refused);
    await this.#queue.kept(refused, this.#options.clock ?? systemClock);
    await this.#sandbox?.terminate();
    this.#status = 'stopped';
    try {
      await this.#recorder.end(actorStopEvent.encode({ by, data: data ?? null }));
    } catch (error) {
      throw chainWriteFailed(this.name, this.id, error);
    } finally {
      this.#options.inspector({ type: 'actor.stopped', actorId: this.id, parentId: this.parentId, by, data });
      this.#resolveExit({ status: 'stopped', by, data });
    }
  }
}
