/**
 * The actor system: spawns actors from manifests, finds and stops them, and closes everything it owns. Guest code
 * runs in sandbox workers; the system's own event loop only moves messages and performs host calls. This module is
 * the facade; each part of the work is its own module: the spawn pipeline (`spawn/`), supervision
 * (`supervision/systemSupervision.ts`), actors' chains (`chain/systemChains.ts`), replay sources, the handlers'
 * system resources, and the routing of messages (`messaging/messageRouter.ts`).
 */
import { availableParallelism } from 'node:os';
import type { ActorSystem, ActorSystemOptions } from './actorSystemApi.js';
import type { ActorInstance } from './actor/actorInstance.js';
import { createChainService } from './chain/chainService.js';
import { createSystemChains } from './chain/systemChains.js';
import { ComponentCache } from './component/componentCache.js';
import { toHandlerRegistry } from './handlerRegistry.js';
import { systemClock, toClock } from './clock.js';
import type { InspectionEvent, Inspector } from './inspection.js';
import { KernelError } from './kernelError.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './manifest/manifestSchema.js';
import { MessageRouter } from './messaging/messageRouter.js';
import { messageGrantCheck } from './messaging/messageGrant.js';
import { replayChain } from './replay/replayChain.js';
import { batchesOf, replayComponent, storedBatches } from './replay/replaySources.js';
import { Placement } from './sandbox/placement.js';
import { WorkerPool } from './sandbox/workerPool.js';
import { createLauncher } from './spawn/launchActor.js';
import { createSpawnPipeline, type SpawnPipeline, type SpawnTimings } from './spawn/spawnPipeline.js';
import { createSystemSupervision } from './supervision/systemSupervision.js';
import { createSystemResources } from './systemResources.js';
import { resolveTheaterHome } from './theaterHome.js';

export type { ActorSystem, ActorSystemOptions, ExternalChannel, ReplayOptions } from './actorSystemApi.js';
export type { SpawnOptions, SpawnTimings } from './spawn/spawnPipeline.js';

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
  const placement = new Placement(pool, options.schedulerWorkers ?? availableParallelism(), deadlineClock);
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
    placement,
    defaultIsolation: options.defaultIsolation ?? 'dedicated',
    clock: deadlineClock,
    interfaces: handlers.interfaces,
    credit: router.credit,
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
      await placement.close();
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
    warm: async () => {
      await Promise.all([pool.warm(), placement.warm()]);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
