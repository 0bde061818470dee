/**
 * The spawn pipeline: manifest → component → compatibility → admit → chain → instance → host → launch. Each step may
 * refuse with a KernelError naming the problem; nothing runs until the last one, and a system that starts closing
 * meanwhile ends the spawn at its next step.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { ChainStore } from '@theater/event-chain';
import { ActorInstance } from '../actor/actorInstance.js';
import type { ChainService } from '../chain/chainService.js';
import { actorRestartEvent, actorSpawnEvent } from '../chain/chainEvents.js';
import { checkCompatibility } from '../component/checkCompatibility.js';
import type { ComponentCache } from '../component/componentCache.js';
import { exportedFunctions } from '../component/witFunctions.js';
import { readRegularFile } from '../files/readRegularFile.js';
import type { ActorState, HandlerDefinition } from '../handler.js';
import type { HandlerRegistry } from '../handlerRegistry.js';
import type { Inspector } from '../inspection.js';
import { KernelError } from '../kernelError.js';
import { describeField } from '../manifest/fieldLocation.js';
import { loadManifest, type Manifest } from '../manifest/index.js';
import type { MessageRouter } from '../messaging/messageRouter.js';
import type { SupervisionTree } from '../supervision/supervisionTree.js';
import type { SystemResources } from '../systemResources.js';
import { createHost, type HandlerContextSource } from './handlerContext.js';
import type { LaunchActor } from './launchActor.js';

/** Options for one spawn. */
export interface SpawnOptions {
  /** Initial state; wins over the manifest's `init_state`. */
  readonly initState?: Uint8Array;
  /** The actor's id; default a new UUID. */
  readonly id?: string;
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

/** Where a spawn puts the actor: under a parent, or as a restart of a child. */
export interface Placement {
  readonly parentId?: string | undefined;
  /** The actor this spawn continues (same id, same chain): a restarted actor, or (`resumed`) a stored one. */
  readonly restartOf?: { readonly id: string; readonly chainStore: ChainStore; readonly resumed?: boolean };
  readonly state?: ActorState;
}

/** Spawns actors; see the module header. */
export type Spawn = (manifestOrPath: Manifest | string, spawnOptions?: SpawnOptions, placement?: Placement) => Promise<ActorInstance>;

/** What the pipeline needs from its actor system. */
export interface SpawnSource extends HandlerContextSource {
  readonly handlers: HandlerRegistry;
  readonly cache: ComponentCache;
  readonly chains: ChainService;
  /** The persistent chain store (`chain-store-unavailable` when it cannot be opened). */
  readonly openStore: () => Promise<ChainStore>;
  /** The live actors, by id: a spawned actor is registered here until it ends. */
  readonly actors: Map<string, ActorInstance>;
  readonly timings: Map<string, SpawnTimings>;
  readonly router: MessageRouter;
  readonly tree: SupervisionTree;
  readonly emit: Inspector;
  readonly resources: SystemResources;
  readonly assertOpen: () => void;
  readonly launch: LaunchActor;
}

/** The spawn pipeline of an actor system. */
export interface SpawnPipeline {
  readonly spawn: Spawn;
  /** Resolves once every spawn in flight has ended, one way or the other. */
  settled(): Promise<void>;
}

/** Creates the spawn pipeline of an actor system. */
export function createSpawnPipeline(source: SpawnSource): SpawnPipeline {
  const { handlers, cache, chains, openStore, actors, timings, router, tree, emit, clock, resources, assertOpen, launch } = source;
  const spawning = new Set<Promise<unknown>>();

  function spawn(manifestOrPath: Manifest | string, spawnOptions: SpawnOptions = {}, placement: Placement = {}): Promise<ActorInstance> {
    const spawned = spawnActor(manifestOrPath, spawnOptions, placement);
    spawning.add(spawned);
    void spawned.finally(() => spawning.delete(spawned)).catch(() => {});
    return spawned;
  }

  async function spawnActor(
    manifestOrPath: Manifest | string,
    spawnOptions: SpawnOptions,
    placement: Placement = {},
  ): Promise<ActorInstance> {
    assertOpen();
    const started = performance.now();
    const manifest = typeof manifestOrPath === 'string' ? await loadManifest(manifestOrPath, { handlers }) : manifestOrPath;
    const restarting = placement.restartOf;
    const granted = manifest.handlers.map((config) => {
      const handler = handlers.get(config.type);
      if (handler === undefined) throw new KernelError('unknown-handler', `no "${config.type}" handler is installed in this actor system`);
      return handler;
    });
    const componentPath = manifest.componentPath ?? resolveRelative(manifest, manifest.component);
    const { component, outcome, transpileMs } = await cache.load(componentPath);
    if (outcome === 'transpiled') emit({ type: 'component.transpiled', hash: component.hash, durationMs: transpileMs });
    checkCompatibility(component, granted, handlers);
    const state = restarting !== undefined ? placement.state : await initialState(manifest, spawnOptions.initState);

    assertOpen();
    const id = restarting?.id ?? spawnOptions.id ?? randomUUID();
    if (actors.has(id)) throw new KernelError('actor-exists', `an actor with id ${id} already exists`);
    // A generated id is new: no chain can exist for it, so the store is not asked.
    const generated = restarting === undefined && spawnOptions.id === undefined;
    if (restarting === undefined && !generated && manifest.saveChain && (await (await openStore()).head(id)) !== undefined) {
      throw new KernelError('actor-exists', `an actor with id ${id} has run before: its chain is in the store`);
    }
    const parentId = placement.parentId ?? tree.parentOf(id);
    await admit(id, manifest, granted, parentId);
    assertOpen();
    // A restart continues the chain where the last instance left it (in memory too, for save_chain = false).
    const chain = await chains.openActorChain(id, manifest.saveChain, () => clock.now(), restarting?.chainStore, restarting === undefined);
    // Checked again: another spawn with this id may have started while the chain was opening.
    if (actors.has(id)) throw new KernelError('actor-exists', `an actor with id ${id} already exists`);
    const actor = new ActorInstance({
      id,
      parentId,
      manifest,
      componentHash: component.hash,
      chain,
      inspector: emit,
      now: () => clock.now(),
      clock,
      exports: exportedFunctions(component, handlers.interfaces),
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
    emit({ type: 'actor.spawned', actorId: id, parentId, name: manifest.name, componentHash: component.hash });
    if (restarting !== undefined) {
      emit({
        type: 'actor.restarted',
        actorId: id,
        parentId,
        name: manifest.name,
        componentHash: component.hash,
        resumed: restarting.resumed === true,
      });
    }
    actor.record(
      (restarting === undefined ? actorSpawnEvent : actorRestartEvent).encode({
        name: manifest.name,
        version: manifest.version,
        component: component.hash,
        manifest,
        state: state ?? null,
        parent: parentId ?? null,
      }),
    );

    const host = createHost(actor, granted, source);
    const loaded = await launch(actor, component, manifest, state, host);
    const totalMs = performance.now() - started;
    timings.set(id, { cache: outcome, transpileMs, instantiateMs: loaded.instantiateMs, prepared: loaded.prepared, totalMs });
    emit({ type: 'actor.started', actorId: id, parentId, spawnMs: totalMs });
    return actor;
  }

  /** Lets each granted handler check what its grant names outside the manifest, before anything starts. */
  async function admit(
    actorId: string,
    manifest: Manifest,
    granted: readonly HandlerDefinition[],
    parentId: string | undefined,
  ): Promise<void> {
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
        resource: resources.resource,
      });
    }
  }

  return {
    spawn,
    async settled() {
      await Promise.allSettled([...spawning]);
    },
  };
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
