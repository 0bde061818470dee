/**
 * The actor system: spawns actors from manifests, finds and stops them, and closes everything it owns. Guest code
 * runs in sandbox workers; the system's own event loop only moves messages and performs host calls. This module is
 * the facade; each part of the work is its own module: the spawn pipeline (`spawn/`), supervision
 * (`supervision/systemSupervision.ts`), actors' chains (`chain/systemChains.ts`), replay sources, the handlers'
 * system resources, and the routing of messages (`messaging/messageRouter.ts`).
 */
import { availableParallelism } from 'node:os';
import type { ChainEvent, ChainStore, Checkpoint, ReadRange, SubscribeOptions, VerifyResult } from '@theater/event-chain';
import type { Actor } from './actor/actor.js';
import type { ActorInstance } from './actor/actorInstance.js';
import { createChainService } from './chain/chainService.js';
import { createSystemChains } from './chain/systemChains.js';
import { ComponentCache } from './component/componentCache.js';
import { toHandlerRegistry, type HandlerRegistry, type HandlerSource } from './handlerRegistry.js';
import { systemClock, toClock, type Clock } from './clock.js';
import type { InspectionEvent, Inspector } from './inspection.js';
import { KernelError } from './kernelError.js';
import type { Manifest } from './manifest/index.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './manifest/manifestSchema.js';
import { MessageRouter, type ExternalChannelEnd } from './messaging/messageRouter.js';
import { messageGrantCheck } from './messaging/messageGrant.js';
import { replayChain } from './replay/replayChain.js';
import type { ReplayResult } from './replay/replayResult.js';
import { batchesOf, replayComponent, storedBatches } from './replay/replaySources.js';
import { WorkerPool } from './sandbox/workerPool.js';
import { createLauncher } from './spawn/launchActor.js';
import { createSpawnPipeline, type SpawnOptions, type SpawnPipeline, type SpawnTimings } from './spawn/spawnPipeline.js';
import { createSystemSupervision } from './supervision/systemSupervision.js';
import { createSystemResources } from './systemResources.js';
import { resolveTheaterHome, type TheaterHome } from './theaterHome.js';

export type { SpawnOptions, SpawnTimings } from './spawn/spawnPipeline.js';

/** Options for `createActorSystem`. */
export interface ActorSystemOptions {
  /** The handlers actors may be granted (see `@theater/handlers`): a registry, or definitions of distinct types. */
  readonly handlers: HandlerSource;
  /** Theater home; default `$THEATER_HOME` or `~/.theater`. */
  readonly home?: string;
  /** Started workers kept ready for spawns; default 2. */
  readonly poolSize?: number;
  /**
   * The clock event times, deadlines, sleeps and restart windows run on; default `systemClock`. A function is taken
   * as the wall time alone (the form before `Clock`), with the system's monotonic time and timers.
   */
  readonly clock?: Clock | (() => number);
}

/** A channel held outside the system. */
export interface ExternalChannel {
  readonly id: string;
  /** The message the actor accepted the channel with, if any (also delivered to the listener). */
  readonly welcome: Uint8Array | undefined;
  send(message: Uint8Array): void;
  close(): void;
}

/** Options of `ActorSystem.replay`. */
export interface ReplayOptions {
  /** Run this component instead of the recorded one (found by hash in the component cache). */
  readonly componentPath?: string;
}

/** An actor system. */
export interface ActorSystem extends AsyncDisposable {
  readonly home: TheaterHome;
  /** The handlers its actors may be granted: parse manifests for this system with them. */
  readonly handlers: HandlerRegistry;
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
  const timeSource = toClock(options.clock);
  const clock = (): number => timeSource.now();
  // Deadlines are measured from the worker's own start stamps (real time): a function given as the clock stamps events
  // only, so they stay on the system clock then; a full Clock (a TestClock) runs them, as it runs every timer.
  const deadlineClock = typeof options.clock === 'function' ? systemClock : timeSource;
  const handlers = toHandlerRegistry(options.handlers);
  const cache = new ComponentCache(home.cacheDir);
  const chainService = createChainService(home);
  const pool = new WorkerPool(options.poolSize ?? Math.min(2, availableParallelism()));
  /** The live actors: a spawned actor is here until it ends. */
  const actors = new Map<string, ActorInstance>();
  const timings = new Map<string, SpawnTimings>();
  const inspectors = new Set<Inspector>();
  let closing: Promise<void> | undefined;

  const emit = (event: InspectionEvent): void => {
    for (const inspector of inspectors) {
      try {
        inspector(event);
      } catch {
        // An inspector's failure is its own: it must not break the actor whose event it was watching.
      }
    }
  };
  const router = new MessageRouter((id) => actors.get(id), messageGrantCheck(handlers.definitions), emit, deadlineClock);
  const assertOpen = (): void => {
    if (closing !== undefined) throw new KernelError('system-closed', 'the actor system is closed');
  };
  /** The live actor with this id; `actor-not-found` otherwise. */
  const registered = (actorId: string): ActorInstance => {
    const actor = actors.get(actorId);
    if (actor === undefined) throw new KernelError('actor-not-found', `no actor with id ${actorId}`);
    return actor;
  };

  const resources = createSystemResources(home, assertOpen);
  const chains = createSystemChains({ chains: chainService, actors, clock, assertOpen });
  const launch = createLauncher({
    cache,
    pool,
    clock: deadlineClock,
    interfaces: handlers.interfaces,
    assertOpen,
    isClosing: () => closing !== undefined,
  });
  const supervision = createSystemSupervision({
    handlers,
    monotonic: () => timeSource.monotonic(),
    actors,
    registered,
    spawn: (manifest, spawnOptions, placement) => pipeline.spawn(manifest, spawnOptions, placement),
    openStore: chains.openStore,
    assertOpen,
  });
  const pipeline: SpawnPipeline = createSpawnPipeline({
    handlers,
    cache,
    chains: chainService,
    openStore: chains.openStore,
    actors,
    timings,
    router,
    tree: supervision.tree,
    emit,
    clock: timeSource,
    resources,
    assertOpen,
    launch,
    supervision: supervision.forParent,
  });

  async function close(): Promise<void> {
    closing ??= (async () => {
      // Spawns in flight see `closing` at their next step and end; wait for them so none outlives the system.
      await Promise.allSettled([...actors.values()].map((actor) => actor.stop()));
      await pipeline.settled();
      await Promise.allSettled([...actors.values()].map((actor) => actor.stop()));
      await resources.close();
      await pool.close();
      await chainService.close();
    })();
    return closing;
  }

  return {
    home,
    handlers,
    spawn: (manifest, spawnOptions) => pipeline.spawn(manifest, spawnOptions),
    events: chains.events,
    subscribe: chains.subscribe,
    checkpoint: chains.checkpoint,
    verify: chains.verify,
    exportChain: chains.exportChain,
    send: async (actorId, message) => registered(actorId).send(message),
    request: async (actorId, message) => registered(actorId).request(message),
    async openChannel(actorId, initial, listener) {
      assertOpen();
      if (!(initial instanceof Uint8Array)) throw new TypeError('expected the initial message as a Uint8Array');
      const callTimeoutMs = actors.get(actorId)?.manifest.limits.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
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
      const batches = typeof source === 'string' ? storedBatches(await chains.storeOf(source), source) : batchesOf(source);
      return replayChain(batches, {
        now: clock,
        interfaces: handlers.interfaces,
        launch,
        loadComponent: replayComponent(cache, replayOptions.componentPath),
      });
    },
    chainStore: chains.openStore,
    spawnTimings: (id) => timings.get(id),
    get: (id) => actors.get(id),
    list: () => [...actors.values()],
    stop: async (id) => registered(id).stop(),
    restart: supervision.restart,
    resume: async (id, resumeOptions = {}) => supervision.resume(id, resumeOptions.initState),
    parentOf: (id) => supervision.tree.parentOf(id),
    inspect(inspector) {
      inspectors.add(inspector);
      return () => inspectors.delete(inspector);
    },
    warm: () => pool.warm(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
