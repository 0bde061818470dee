/**
 * Supervision as an actor system carries it out: the supervision tree's hooks into the system (restart a child, fail
 * a supervisor), the `supervisor` handler's view for each parent (its children only), and bringing actors back: a
 * live one restarted, a stored one resumed from its chain under the parent the chain records.
 */
import type { ActorInstance } from '../actor/actorInstance.js';
import { lastCommittedState } from '../chain/lastCommittedState.js';
import type { ChainStore } from '@theater/event-chain';
import type { HandlerRegistry } from '../handlerRegistry.js';
import { KernelError } from '../kernelError.js';
import { loadManifest, parseManifest, type Manifest } from '../manifest/index.js';
import { permissionExcess } from '../permissions/permissionExcess.js';
import { recordedSpawn } from '../replay/recordedData.js';
import type { Spawn } from '../spawn/spawnPipeline.js';
import type { ActorSupervision } from './actorSupervision.js';
import { childFilePath, confineChildFiles } from './childFileScope.js';
import { SupervisionTree } from './supervisionTree.js';

/** What supervision needs from its actor system. */
export interface SupervisionSource {
  readonly handlers: HandlerRegistry;
  /** Monotonic time in ms, for restart intensity windows. */
  readonly monotonic: () => number;
  /** The live actors, by id. */
  readonly actors: ReadonlyMap<string, ActorInstance>;
  /** The live actor with this id; `actor-not-found` otherwise. */
  readonly registered: (actorId: string) => ActorInstance;
  /** The system's spawn pipeline (bound late: the pipeline itself needs the tree). */
  readonly spawn: Spawn;
  readonly openStore: () => Promise<ChainStore>;
  readonly assertOpen: () => void;
}

/** The supervision of one actor system. */
export interface SystemSupervision {
  readonly tree: SupervisionTree;
  /** The `supervisor` handler's view for one parent: its children only. */
  forParent(parentId: string): ActorSupervision;
  /** Restarts a live actor from its last committed state; a child through its parent's tree. */
  restart(actorId: string): Promise<ActorInstance>;
  /**
   * Resumes a stored actor under the parent its chain records. With `expectedParent` (a supervisor resuming its own
   * child), any other recorded parent is refused with one message that does not tell which.
   */
  resume(actorId: string, initState: Uint8Array | undefined, expectedParent?: string): Promise<ActorInstance>;
}

/** Creates the supervision of an actor system. */
export function createSystemSupervision(source: SupervisionSource): SystemSupervision {
  const { actors, registered, spawn, openStore, assertOpen } = source;

  const tree: SupervisionTree = new SupervisionTree({
    find: (id) => actors.get(id),
    async restart(entry, state): Promise<ActorInstance> {
      const parentId = tree.parentOf(entry.id);
      // The child's files are read again: they must still lie inside its parent's directory (a symlink swapped in since).
      if (parentId !== undefined) await confineChildFiles(entry.manifest, actors.get(parentId)?.manifest.baseDir);
      return spawn(entry.manifest, {}, { parentId, restartOf: { id: entry.id, chainStore: entry.instance.chainStore }, state });
    },
    fail: (actor, message) => actor.abort('internal', message),
    monotonic: source.monotonic,
  });

  function forParent(parentId: string): ActorSupervision {
    const parentManifest = (): Manifest => {
      const parent = actors.get(parentId);
      if (parent === undefined) throw new KernelError('actor-not-running', `actor ${parentId} is not running`);
      return parent.manifest;
    };
    return {
      async spawn(manifestRef, initState) {
        const parent = parentManifest();
        const manifest = await childManifest(manifestRef, parent, source.handlers);
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

  async function resumeStored(actorId: string, initState: Uint8Array | undefined, expectedParent?: string): Promise<ActorInstance> {
    assertOpen();
    const store = await openStore();
    const [first] = await store.read(actorId, { limit: 1 });
    const spawned = first?.type === 'actor.spawn' ? recordedSpawn(first) : undefined;
    if (expectedParent !== undefined && spawned?.parent !== expectedParent) {
      throw new KernelError(
        'permission-denied',
        `actor ${actorId} was not a child of actor ${expectedParent}, or has no saved chain to resume`,
      );
    }
    if (spawned === undefined) throw new KernelError('actor-not-found', `actor ${actorId} has no saved chain to resume`);
    if (actors.has(actorId)) throw new KernelError('actor-exists', `actor ${actorId} is running`);
    const parentId = spawned.parent ?? undefined;
    if (parentId !== undefined) {
      const parent = actors.get(parentId);
      if (parent === undefined || parent.status !== 'running') {
        throw new KernelError(
          'actor-not-running',
          `actor ${actorId} is a child of actor ${parentId}, which is not running: resume the parent first`,
        );
      }
      // The parent may hold less than when the child first ran: it is judged against the parent as it is now.
      await confineChildFiles(spawned.manifest, parent.manifest.baseDir);
      refuseExcess(spawned.manifest, parent.manifest);
    }
    const state = initState ?? (await lastCommittedState(store, actorId));
    const actor = await spawn(spawned.manifest, {}, { parentId, restartOf: { id: actorId, chainStore: store, resumed: true }, state });
    if (parentId !== undefined) tree.add(parentId, actor);
    return actor;
  }

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
    const excess = permissionExcess(child, parent, source.handlers);
    if (excess.length > 0) {
      throw new KernelError(
        'permission-denied',
        `child ${child.name} asks for more than its parent ${parent.name} holds: ${excess.join('; ')}`,
      );
    }
  }

  return { tree, forParent, restart, resume: resumeStored };
}

/**
 * A child's manifest: inline TOML (paths in it relative to the parent's manifest), or a path relative to the parent's
 * manifest, read only once it is known to lie inside the parent's directory.
 */
async function childManifest(reference: string, parent: Manifest, handlers: HandlerRegistry): Promise<Manifest> {
  if (reference.includes('\n') || reference.includes('='))
    return parseManifest(reference, parent.baseDir === undefined ? { handlers } : { handlers, baseDir: parent.baseDir });
  return loadManifest(await childFilePath(parent.baseDir, 'manifest', reference, parent.baseDir), { handlers });
}
