/**
 * The actor system: spawns actors from manifests, finds and stops them, and closes everything it owns. Guest code
 * runs in sandbox workers; the system's own event loop only moves messages and performs host calls.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  decodeEventData,
  type ChainEvent,
  type ChainStore,
  type Checkpoint,
  type ReadRange,
  type SubscribeOptions,
  type VerifyResult,
} from '@theater/event-chain';
import type { Actor } from './actor/actor.js';
import { ActorInstance } from './actor/actorInstance.js';
import { exportedFunctions, fallibleFunctions, importedFunctions, oneWayFunctions } from './component/witFunctions.js';
import { checkCompatibility } from './component/checkCompatibility.js';
import { ComponentCache, type LoadedComponent } from './component/componentCache.js';
import type { ActorState, HandlerDefinition, HostImplementation, SystemResource } from './handler.js';
import type { InspectionEvent, Inspector } from './inspection.js';
import { KernelError, isKernelError } from './kernelError.js';
import { loadManifest, parseManifest, type Manifest } from './manifest/index.js';
import { describeField } from './manifest/fieldLocation.js';
import type { InstanceSpec } from './sandbox/protocol.js';
import { Sandbox } from './sandbox/sandbox.js';
import { WorkerPool } from './sandbox/workerPool.js';
import { resolveTheaterHome, type TheaterHome } from './theaterHome.js';
import { createChainService } from './chain/chainService.js';
import { actorMessaging } from './messaging/actorMessaging.js';
import { MessageRouter, type ExternalChannelEnd } from './messaging/messageRouter.js';
import { messageGrantCheck } from './messaging/messageGrant.js';
import { recordedSpawn } from './replay/recordedData.js';
import { replayChain } from './replay/replayChain.js';
import type { ReplayResult } from './replay/replayResult.js';
import type { ActorSupervision } from './supervision/actorSupervision.js';
import { SupervisionTree } from './supervision/supervisionTree.js';
import { childFilePath, confineChildFiles } from './supervision/childFileScope.js';
import { permissionExcess } from './permissions/permissionExcess.js';
import { readRegularFile } from './files/readRegularFile.js';

/** Options for `createActorSystem`. */
export interface ActorSystemOptions {
  /** The handlers actors may be granted (see `@theater/handlers`). */
  readonly handlers: readonly HandlerDefinition[];
  /** Theater home; default `$THEATER_HOME` or `~/.theater`. */
  readonly home?: string;
  /** Started workers kept ready for spawns; default 2. */
  readonly poolSize?: number;
  /** Wall clock in ms since the epoch; default `Date.now`. */
  readonly clock?: () => number;
}

/** Options for one spawn. */
export interface SpawnOptions {
  /** Initial state; wins over the manifest's `init_state`. */
  readonly initState?: Uint8Array;
  /** The actor's id; default a new UUID. */
  readonly id?: string;
}

/** A channel held outside the system. */
export interface ExternalChannel {
  readonly id: string;
  /** The message the actor accepted the channel with, if any (also delivered to the listener). */
  readonly welcome: Uint8Array | undefined;
  send(message: Uint8Array): void;
  close(): void;
}

/** Where a spawn puts the actor: under a parent, or as a restart of a child. */
interface Placement {
  readonly parentId?: string | undefined;
  /** The actor this spawn continues (same id, same chain): a restarted child, or a resumed one. */
  readonly restartOf?: { readonly id: string; readonly chainStore: ChainStore };
  readonly state?: ActorState;
}

/** Options of `ActorSystem.replay`. */
export interface ReplayOptions {
  /** Run this component instead of the recorded one (found by hash in the component cache). */
  readonly componentPath?: string;
}

/** Timings of one spawn, for benchmarks and `theater run`. */
export interface SpawnTimings {
  readonly cache: 'memory' | 'disk' | 'transpiled';
  readonly transpileMs: number;
  /** Time to instantiate (or, for a worker that had instantiated it ahead of time, to attach). */
  readonly instantiateMs: number;
  /** True when the worker had instantiated the component ahead of time. */
  readonly prepared: boolean;
  readonly totalMs: number;
}

/** An actor system. */
export interface ActorSystem extends AsyncDisposable {
  readonly home: TheaterHome;
  /** Spawns an actor from a manifest (or its path) and runs its `init`. */
  spawn(manifest: Manifest | string, options?: SpawnOptions): Promise<Actor>;
  /** Timings of the last spawn of an actor, if it was spawned by this system. */
  spawnTimings(actorId: string): SpawnTimings | undefined;
  get(actorId: string): Actor | undefined;
  list(): readonly Actor[];
  /** Stops an actor; throws `actor-not-found` for an unknown id. */
  stop(actorId: string): Promise<void>;
  /**
   * Restarts a live actor: a fresh instance, same id, its chain continued, from its last committed state (a child
   * stays its parent's child). Resolves with the new instance.
   */
  restart(actorId: string): Promise<Actor>;
  /**
   * Brings back an actor that is not running from its stored chain: same id, its chain continued, from its last
   * committed state (or `initState`), under the parent its chain records, which must be running. `actor-not-found`
   * when the store has no chain for it; `actor-exists` when it runs.
   */
  resume(actorId: string, options?: { readonly initState?: Uint8Array }): Promise<Actor>;
  /** The id of a live actor's parent, if it is a child. */
  parentOf(actorId: string): string | undefined;
  /** An actor's events in `range`, oldest first: a live actor's, or a stopped one's from the persistent store. */
  events(actorId: string, range?: ReadRange): Promise<ChainEvent[]>;
  /**
   * Calls `listener` with an actor's events from `options.from` (default 0) in chain order, history first, then
   * each new event once it is durable, without gaps; resolves (once the history is delivered) with the unsubscribe.
   */
  subscribe(actorId: string, options: SubscribeOptions, listener: (event: ChainEvent) => void): Promise<() => void>;
  /** Signs the head of an actor's chain now and stores the checkpoint (this also happens at every stop). */
  checkpoint(actorId: string): Promise<Checkpoint>;
  /** Verifies an actor's chain: hashes, links, and its checkpoints signed by this node (or `trustedKeys`). */
  verify(actorId: string, options?: { readonly trustedKeys?: readonly Uint8Array[] }): Promise<VerifyResult>;
  /** An actor's chain as a chain file (see `@theater/event-chain`), in chunks. */
  exportChain(actorId: string): AsyncIterable<Uint8Array>;
  /**
   * Re-runs an actor from its chain alone (see `replayChain`): a stored actor's chain by id, or events in seq order
   * (e.g. from a chain file). Nothing outside the replayed actor happens.
   */
  replay(source: string | AsyncIterable<ChainEvent>, options?: ReplayOptions): Promise<ReplayResult>;
  /** The persistent chain store of this system's home (opened on first use). */
  chainStore(): Promise<ChainStore>;
  /**
   * Sends a message to an actor's handle-send (as an external sender) and resolves once it has run and its state is
   * committed (unlike an actor's own `send`, which returns once queued); a refusal or the actor's failure is thrown.
   */
  send(actorId: string, message: Uint8Array): Promise<void>;
  /** Sends a request and resolves with the reply (waiting for a deferred one up to the actor's call timeout). */
  request(actorId: string, message: Uint8Array): Promise<Uint8Array>;
  /** Opens a channel to an actor (its handle-channel-open accepts or rejects it). */
  openChannel(actorId: string, initial: Uint8Array, listener: ExternalChannelEnd): Promise<ExternalChannel>;
  /** Subscribes to inspection events; returns the unsubscribe function. */
  inspect(inspector: Inspector): () => void;
  /** Waits until the pool has its ready workers (useful before measuring spawns). */
  warm(): Promise<void>;
  /** Stops every actor and releases every worker. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates an actor system.
 * @example
 * await using system = createActorSystem({ handlers: defaultHandlers() });
 * const counter = await system.spawn('examples/counter/manifest.toml');
 * await counter.send(new TextEncoder().encode('hello'));
 */
export function createActorSystem(options: ActorSystemOptions): ActorSystem {
  const home = resolveTheaterHome(options.home);
  const clock = options.clock ?? Date.now;
  const handlers = new Map(options.handlers.map((handler) => [handler.type, handler]));
  const cache = new ComponentCache(home.cacheDir);
  const chains = createChainService(home);
  const router = new MessageRouter((id) => actors.get(id), messageGrantCheck(options.handlers));
  const pool = new WorkerPool(options.poolSize ?? Math.min(2, availableParallelism()));
  const actors = new Map<string, ActorInstance>();
  const timings = new Map<string, SpawnTimings>();
  const inspectors = new Set<Inspector>();
  const fallible = fallibleFunctions();
  const oneWay = oneWayFunctions();
  let closing: Promise<void> | undefined;
  /** Handlers' system-wide resources (a database), by key, and actors' exit cleanups still running. */
  const resources = new Map<string, { readonly value: Promise<unknown>; readonly close: (value: never) => Promise<void> }>();
  const cleanups = new Set<Promise<void>>();

  const spawning = new Set<Promise<unknown>>();
  const emit = (event: InspectionEvent): void => {
    for (const inspector of inspectors) {
      try {
        inspector(event);
      } catch {
        // An inspector's failure is its own: it must not break the actor whose event it was watching.
      }
    }
  };
  const assertOpen = (): void => {
    if (closing !== undefined) throw new KernelError('system-closed', 'the actor system is closed');
  };

  function spawn(manifestOrPath: Manifest | string, spawnOptions: SpawnOptions = {}, placement: Placement = {}): Promise<ActorInstance> {
    const spawned = spawnActor(manifestOrPath, spawnOptions, placement);
    spawning.add(spawned);
    void spawned.finally(() => spawning.delete(spawned)).catch(() => {});
    return spawned;
  }

  async function spawnActor(manifestOrPath: Manifest | string, spawnOptions: SpawnOptions, placement: Placement = {}): Promise<ActorInstance> {
    assertOpen();
    const started = performance.now();
    const manifest = typeof manifestOrPath === 'string' ? await loadManifest(manifestOrPath) : manifestOrPath;
    const restarting = placement.restartOf;
    const granted = manifest.handlers.map((config) => {
      const handler = handlers.get(config.type);
      if (handler === undefined) throw new KernelError('unknown-handler', `no "${config.type}" handler is installed in this actor system`);
      return handler;
    });
    const componentPath = manifest.componentPath ?? resolveRelative(manifest, manifest.component);
    const { component, outcome, transpileMs } = await cache.load(componentPath);
    if (outcome === 'transpiled') emit({ type: 'component.transpiled', hash: component.hash, durationMs: transpileMs });
    checkCompatibility(component, granted, [...handlers.values()]);
    const state = restarting !== undefined ? placement.state : await initialState(manifest, spawnOptions.initState);

    assertOpen();
    const id = restarting?.id ?? spawnOptions.id ?? randomUUID();
    if (actors.has(id)) throw new KernelError('actor-exists', `an actor with id ${id} already exists`);
    if (restarting === undefined && manifest.saveChain && (await (await openStore()).head(id)) !== undefined) {
      throw new KernelError('actor-exists', `an actor with id ${id} has run before: its chain is in the store`);
    }
    await admit(id, manifest, granted, placement.parentId ?? tree.parentOf(id));
    assertOpen();
    // A restart continues the chain where the last instance left it (in memory too, for save_chain = false).
    const chain = await chains.openActorChain(id, manifest.saveChain, clock, restarting?.chainStore);
    // Checked again: another spawn with this id may have started while the chain was opening.
    if (actors.has(id)) throw new KernelError('actor-exists', `an actor with id ${id} already exists`);
    const actor = new ActorInstance({
      id,
      manifest,
      componentHash: component.hash,
      chain,
      inspector: emit,
      now: clock,
      exports: exportedFunctions(component),
      router,
      // Children stop before their parent does.
      beforeStop: () => tree.stopChildren(id),
    });
    actors.set(id, actor);
    if (placement.parentId !== undefined && restarting === undefined) tree.add(placement.parentId, actor);
    // An ended actor leaves the registry (its chain with it); whoever holds it can still read it.
    void actor.exited.then((exit) => {
      router.actorEnded(id, exit.status === 'failed' ? 'failed' : 'stopped');
      if (actors.get(id) === actor) actors.delete(id);
      timings.delete(id);
      void tree.ended(actor, exit);
    });
    emit({ type: 'actor.spawned', actorId: id, name: manifest.name, componentHash: component.hash });
    actor.record(restarting === undefined ? 'actor.spawn' : 'actor.restart', {
      name: manifest.name,
      version: manifest.version,
      component: component.hash,
      manifest,
      state: state ?? null,
      parent: placement.parentId ?? tree.parentOf(id) ?? null,
    });

    const host: Record<string, HostImplementation[string]> = {};
    for (const [index, handler] of granted.entries()) {
      const config = manifest.handlers[index]!;
      Object.assign(
        host,
        handler.create({
          actorId: id,
          manifest,
          config,
          state: () => actor.state(),
          events: (range) => actor.events(range),
          log: (message) => emit({ type: 'actor.log', actorId: id, message, time: clock() }),
          shutdown: (data: ActorState) => actor.requestShutdown(data),
          now: clock,
          messaging: actorMessaging(router, id, manifest.limits.callTimeoutMs),
          supervision: actorSupervision(id),
          call: async (iface, fn, params) => actor.offer(iface, fn, params),
          onExit: (cleanup) => {
            const done = actor.exited.then(cleanup).then(
              () => {},
              (error: unknown) => emit({ type: 'actor.log', actorId: id, message: `${handler.type} handler cleanup failed: ${String(error)}`, time: clock() }),
            );
            cleanups.add(done);
            void done.finally(() => cleanups.delete(done));
          },
          resource,
        }),
      );
    }

    const loaded = await launch(actor, component, manifest, state, host);
    const totalMs = performance.now() - started;
    timings.set(id, { cache: outcome, transpileMs, instantiateMs: loaded.instantiateMs, prepared: loaded.prepared, totalMs });
    emit({ type: 'actor.started', actorId: id, spawnMs: totalMs });
    return actor;
  }

  /** Lets each granted handler check what its grant names outside the manifest, before anything starts. */
  async function admit(actorId: string, manifest: Manifest, granted: readonly HandlerDefinition[], parentId: string | undefined): Promise<void> {
    const parent = parentId === undefined ? undefined : actors.get(parentId);
    for (const [index, handler] of granted.entries()) {
      if (handler.admit === undefined) continue;
      const config = manifest.handlers[index]!;
      await handler.admit({
        actorId,
        manifest,
        config,
        field: (...path) => describeField(manifest, ['handler', index, ...path]),
        parent:
          parent === undefined
            ? undefined
            : { actorId: parent.id, manifest: parent.manifest, config: parent.manifest.handlers.find((held) => held.type === config.type) },
        resource,
      });
    }
  }

  /** A handler's system-wide resource, opened once; closed by `close()` after every actor has ended. */
  function resource<T>(key: string, spec: SystemResource<T>): Promise<T> {
    assertOpen();
    let entry = resources.get(key);
    if (entry === undefined) {
      const value = spec.open(home);
      entry = { value, close: spec.close as (value: never) => Promise<void> };
      resources.set(key, entry);
      // A failed open is retried by the next caller.
      value.catch(() => resources.delete(key));
    }
    return entry.value as Promise<T>;
  }

  /**
   * Instantiates the component in a pool worker for `actor` and runs its `init`. Refusals are thrown as KernelErrors
   * once the actor's failure is in its chain.
   */
  async function launch(
    actor: ActorInstance,
    component: LoadedComponent,
    manifest: Manifest,
    state: ActorState,
    host: HostImplementation,
  ): Promise<{ readonly instantiateMs: number; readonly prepared: boolean }> {
    const spec: InstanceSpec = {
      key: `${component.hash}:${manifest.limits.memoryMb}`,
      gluePath: component.gluePath,
      modules: await cache.compile(component, manifest.limits.memoryMb),
      imports: importedFunctions(component),
      fallible,
      oneWay,
      memoryLimitBytes: manifest.limits.memoryMb * 2 ** 20,
    };
    let loaded: Awaited<ReturnType<typeof Sandbox.load>>;
    try {
      assertOpen();
      const { worker, prepared } = await pool.take(spec.key);
      loaded = await Sandbox.load(worker, { ...spec, state, prepared }, actor.listener, { ms: manifest.limits.initTimeoutMs, limit: 'limits.init_timeout_ms' });
    } catch (cause) {
      if (closing === undefined) pool.refill();
      if (isKernelError(cause, 'system-closed')) {
        actor.abort('init-failed', 'the actor system closed before the actor started');
        await actor.exited;
        throw cause;
      }
      const message = cause instanceof Error ? cause.message : String(cause);
      actor.abort('init-failed', `instantiation failed: ${message}`);
      await actor.exited;
      throw new KernelError('instantiation-failed', `actor ${manifest.name} could not be instantiated: ${message}`, { cause, actor });
    }
    try {
      await actor.start(loaded.sandbox, host, state);
    } finally {
      // After the caller has its actor: starting a worker blocks this thread for about a millisecond.
      setImmediate(() => {
        if (closing !== undefined) return;
        // The next spawn of this component will likely follow: idle workers instantiate it ahead of time.
        pool.prepare(spec);
        pool.refill();
      });
    }
    return loaded;
  }

  const tree: SupervisionTree = new SupervisionTree({
    find: (id) => actors.get(id),
    async restart(entry, state): Promise<ActorInstance> {
      const parentId = tree.parentOf(entry.id);
      // The child's files are read again: they must still lie inside its parent's directory (a symlink swapped in since).
      if (parentId !== undefined) await confineChildFiles(entry.manifest, actors.get(parentId)?.manifest.baseDir);
      return spawn(entry.manifest, {}, { parentId, restartOf: { id: entry.id, chainStore: entry.instance.chainStore }, state });
    },
    fail: (actor, message) => actor.abort('internal', message),
  });

  /** The `supervisor` handler's view for one parent: its children only. */
  function actorSupervision(parentId: string): ActorSupervision {
    const parentManifest = (): Manifest => {
      const parent = actors.get(parentId);
      if (parent === undefined) throw new KernelError('actor-not-running', `actor ${parentId} is not running`);
      return parent.manifest;
    };
    return {
      async spawn(manifestRef, initState) {
        const parent = parentManifest();
        const manifest = await childManifest(manifestRef, parent);
        await confineChildFiles(manifest, parent.baseDir);
        refuseExcess(manifest, parent);
        const child = await spawn(manifest, initState === undefined ? {} : { initState }, { parentId });
        return child.id;
      },
      listChildren: () => tree.children(parentId).map((child) => child.id),
      stopChild: (childId) => tree.stopChild(parentId, childId),
      restartChild: (childId) => tree.restartChild(parentId, childId),
      async resume(childId, initState) {
        const child = await resumeStored(childId, initState, parentId);
        return child.id;
      },
      childState: (childId) => tree.childOf(parentId, childId).instance.state(),
      childEvents: (childId) => tree.childOf(parentId, childId).instance.events(),
    };
  }

  /**
   * Resumes a stored actor under the parent its chain records. With `expectedParent` (a supervisor resuming its own
   * child), any other recorded parent is refused with one message that does not tell which.
   */
  async function resumeStored(actorId: string, initState: Uint8Array | undefined, expectedParent?: string): Promise<ActorInstance> {
    assertOpen();
    const store = await openStore();
    const [first] = await store.read(actorId, { limit: 1 });
    const spawned = first?.type === 'actor.spawn' ? recordedSpawn(first) : undefined;
    if (expectedParent !== undefined && spawned?.parent !== expectedParent) {
      throw new KernelError('permission-denied', `actor ${actorId} was not a child of actor ${expectedParent}, or has no saved chain to resume`);
    }
    if (spawned === undefined) throw new KernelError('actor-not-found', `actor ${actorId} has no saved chain to resume`);
    if (actors.has(actorId)) throw new KernelError('actor-exists', `actor ${actorId} is running`);
    const parentId = spawned.parent ?? undefined;
    if (parentId !== undefined) {
      const parent = actors.get(parentId);
      if (parent === undefined || parent.status !== 'running') {
        throw new KernelError('actor-not-running', `actor ${actorId} is a child of actor ${parentId}, which is not running: resume the parent first`);
      }
      // The parent may hold less than when the child first ran: it is judged against the parent as it is now.
      await confineChildFiles(spawned.manifest, parent.manifest.baseDir);
      refuseExcess(spawned.manifest, parent.manifest);
    }
    const state = initState ?? (await lastCommittedState(store, actorId));
    const actor = await spawn(spawned.manifest, {}, { parentId, restartOf: { id: actorId, chainStore: store }, state });
    if (parentId !== undefined) tree.add(parentId, actor);
    return actor;
  }

  /** Restarts a live actor from its last committed state; a child through its parent's tree. */
  async function restart(actorId: string): Promise<ActorInstance> {
    const actor = registered(actorId);
    const parentId = tree.parentOf(actorId);
    if (parentId !== undefined) {
      await tree.restartChild(parentId, actorId);
      return registered(actorId);
    }
    // The state is read once the stop has let the running operations commit: their callers were answered.
    await actor.stop();
    return spawn(actor.manifest, {}, { restartOf: { id: actorId, chainStore: actor.chainStore }, state: actor.state() });
  }

  /** Refuses a child whose grants, limits or auditing exceed its parent's, naming each excess. */
  function refuseExcess(child: Manifest, parent: Manifest): void {
    const excess = permissionExcess(child, parent, options.handlers);
    if (excess.length > 0) {
      throw new KernelError('permission-denied', `child ${child.name} asks for more than its parent ${parent.name} holds: ${excess.join('; ')}`);
    }
  }

  async function close(): Promise<void> {
    closing ??= (async () => {
      // Spawns in flight see `closing` at their next step and end; wait for them so none outlives the system.
      await Promise.allSettled([...actors.values()].map((actor) => actor.stop()));
      await Promise.allSettled([...spawning]);
      await Promise.allSettled([...actors.values()].map((actor) => actor.stop()));
      await Promise.allSettled([...cleanups]);
      await Promise.allSettled(
        [...resources.values()].map(async ({ value, close: closeResource }) => closeResource((await value) as never)),
      );
      resources.clear();
      await pool.close();
      await chains.close();
    })();
    return closing;
  }

  async function openStore(): Promise<ChainStore> {
    try {
      return await chains.store();
    } catch (cause) {
      throw new KernelError('chain-store-unavailable', cause instanceof Error ? cause.message : String(cause), { cause });
    }
  }

  /** The live actor with this id; `actor-not-found` otherwise. */
  function registered(actorId: string): ActorInstance {
    const actor = actors.get(actorId);
    if (actor === undefined) throw new KernelError('actor-not-found', `no actor with id ${actorId}`);
    return actor;
  }

  /**
   * The store holding an actor's chain, with every event recorded so far written: the live actor's own store, else
   * the persistent one if the actor has a chain there.
   */
  async function storeOf(actorId: string): Promise<ChainStore> {
    assertOpen();
    const live = actors.get(actorId);
    if (live !== undefined) {
      await live.flush();
      return live.chainStore;
    }
    const store = await openStore();
    if ((await store.head(actorId)) === undefined) throw new KernelError('actor-not-found', `no actor with id ${actorId} and no chain for it`);
    return store;
  }

  return {
    home,
    spawn,
    async events(actorId, range) {
      return (await storeOf(actorId)).read(actorId, range);
    },
    async subscribe(actorId, subscribeOptions, listener) {
      return (await storeOf(actorId)).subscribe(actorId, subscribeOptions, listener);
    },
    async checkpoint(actorId) {
      const checkpoint = await chains.checkpoint(await storeOf(actorId), actorId, clock());
      if (checkpoint === undefined) throw new KernelError('actor-not-found', `actor ${actorId} has no events to checkpoint`);
      return checkpoint;
    },
    async verify(actorId, verifyOptions = {}) {
      return chains.verify(await storeOf(actorId), actorId, verifyOptions.trustedKeys);
    },
    async *exportChain(actorId) {
      yield* (await storeOf(actorId)).exportChain(actorId);
    },
    send: async (actorId, message) => registered(actorId).send(message),
    request: async (actorId, message) => registered(actorId).request(message),
    async openChannel(actorId, initial, listener) {
      assertOpen();
      if (!(initial instanceof Uint8Array)) throw new TypeError('expected the initial message as a Uint8Array');
      const callTimeoutMs = actors.get(actorId)?.manifest.limits.callTimeoutMs ?? 30_000;
      const { id, welcome } = await router.openChannel(listener, actorId, initial.slice(), callTimeoutMs);
      return {
        id,
        welcome,
        send: (message) => router.sendOnChannel(listener, id, message.slice()),
        close: () => router.closeChannel(listener, id),
      };
    },
    async replay(source, replayOptions = {}) {
      assertOpen();
      let batches: AsyncIterable<readonly ChainEvent[]>;
      if (typeof source === 'string') {
        batches = storedBatches(await storeOf(source), source);
      } else {
        batches = batchesOf(source);
      }
      return replayChain(batches, {
        now: clock,
        launch,
        async loadComponent(recordedHash, manifest) {
          if (replayOptions.componentPath !== undefined) return (await cache.load(replayOptions.componentPath)).component;
          try {
            return await cache.loadByHash(recordedHash);
          } catch (error) {
            // Not cached here: the manifest's component file, if it is still the same component.
            if (manifest.componentPath === undefined) throw error;
            const { component } = await cache.load(manifest.componentPath).catch(() => {
              throw error;
            });
            if (component.hash !== recordedHash) throw error;
            return component;
          }
        },
      });
    },
    chainStore: openStore,
    spawnTimings: (id) => timings.get(id),
    get: (id) => actors.get(id),
    list: () => [...actors.values()],
    stop: async (id) => registered(id).stop(),
    restart,
    resume: async (id, resumeOptions = {}) => resumeStored(id, resumeOptions.initState),
    parentOf: (id) => tree.parentOf(id),
    inspect(inspector) {
      inspectors.add(inspector);
      return () => inspectors.delete(inspector);
    },
    warm: () => pool.warm(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

const REPLAY_BATCH = 1024;

/** An actor's stored events, up to the head when reading starts, in batches. */
async function* storedBatches(store: ChainStore, actorId: string): AsyncGenerator<ChainEvent[]> {
  const head = await store.head(actorId);
  for (let from = 0; head !== undefined && from <= head.seq; ) {
    const events = await store.read(actorId, { from, to: head.seq + 1, limit: REPLAY_BATCH });
    if (events.length === 0) return;
    yield events;
    from += events.length;
  }
}

/** Events in batches of up to REPLAY_BATCH. */
async function* batchesOf(events: AsyncIterable<ChainEvent>): AsyncGenerator<ChainEvent[]> {
  let batch: ChainEvent[] = [];
  for await (const event of events) {
    batch.push(event);
    if (batch.length >= REPLAY_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The state an actor's chain last committed: its last result's, else its spawn's. */
async function lastCommittedState(store: ChainStore, actorId: string): Promise<ActorState> {
  const head = await store.head(actorId);
  for (let end = (head?.seq ?? -1) + 1; end > 0; end -= STATE_SCAN) {
    const events = await store.read(actorId, { from: Math.max(0, end - STATE_SCAN), to: end });
    for (const event of events.reverse()) {
      if (event.type === 'wasm.result' || event.type === 'actor.spawn' || event.type === 'actor.restart') {
        const { state } = decodeEventData(event.data) as { state?: Uint8Array | null };
        return state ?? undefined;
      }
    }
  }
  return undefined;
}

const STATE_SCAN = 256;

/**
 * A child's manifest: inline TOML (paths in it relative to the parent's manifest), or a path relative to the parent's
 * manifest, read only once it is known to lie inside the parent's directory.
 */
async function childManifest(reference: string, parent: Manifest): Promise<Manifest> {
  if (reference.includes('\n') || reference.includes('=')) return parseManifest(reference, parent.baseDir === undefined ? {} : { baseDir: parent.baseDir });
  return loadManifest(await childFilePath(parent.baseDir, 'manifest', reference, parent.baseDir));
}

/**
 * `path` made absolute against the manifest's directory and normalised: the path a supervisor's child-file check
 * judged (a raw `/t/link/../x` would reach through `link` before `..` applies, outside what was checked).
 */
function resolveRelative(manifest: Manifest, path: string): string {
  if (isAbsolute(path)) return resolve(path);
  if (manifest.baseDir === undefined) {
    throw new KernelError('component-not-found', `${path} is relative, but the manifest's directory is unknown`);
  }
  return resolve(manifest.baseDir, path);
}

/** The largest `init_state` file read: a state is handed to the actor whole, and kept in its chain. */
const MAX_INIT_STATE_BYTES = 64 * 2 ** 20;

async function initialState(manifest: Manifest, given: Uint8Array | undefined): Promise<ActorState> {
  if (given !== undefined) return given;
  if (manifest.initState === undefined) return undefined;
  const path = resolveRelative(manifest, manifest.initState);
  const read = await readRegularFile(path, MAX_INIT_STATE_BYTES);
  if (read.ok) return read.bytes;
  const code = read.problem === 'missing' ? 'component-not-found' : 'invalid-init-state';
  throw new KernelError(code, `init_state: ${path} ${read.detail}`, { cause: read.cause });
}
