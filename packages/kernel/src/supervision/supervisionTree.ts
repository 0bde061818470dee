/**
 * The supervision tree: which actor is whose child, and what happens when one ends. Decisions (restart or not,
 * which siblings go with it, restart intensity) are @theater/supervision's OTP rules; this module carries them out:
 * it tells the parent (`supervisor-handlers`), stops and restarts children, fails a supervisor whose children restart
 * too often (its own parent then decides about it), and never lets a subtree outlive its root: an actor's children
 * stop before it does, and when it fails.
 *
 * Decisions for one parent run one at a time, in the order its children ended.
 */
import { createRestartIntensity, planRestart, type ChildExit, type RestartIntensity, type RestartType } from '@theater/supervision';
import type { ActorExit } from '../actor/actor.js';
import type { ActorInstance } from '../actor/actorInstance.js';
import type { ActorState } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';

const HANDLERS = 'theater:simple/supervisor-handlers';
const utf8 = new TextEncoder();

/** A child as its supervisor knows it. */
export interface ChildEntry {
  readonly id: string;
  readonly manifest: Manifest;
  readonly restart: RestartType;
  /** The current (or last) instance. */
  instance: ActorInstance;
  /** A restart of this child in flight: its new instance is not `instance` until it has started. */
  restarting?: Promise<ActorInstance> | undefined;
}

/** What the tree needs from its actor system. */
export interface SupervisionHost {
  /** The live actor with this id, if any. */
  find(id: string): ActorInstance | undefined;
  /** Starts a fresh instance of the child, same id, its chain continued, from `state`. */
  restart(entry: ChildEntry, state: ActorState): Promise<ActorInstance>;
  /** Fails a running actor with `reason` (a supervisor whose restart intensity was exceeded). */
  fail(actor: ActorInstance, message: string): void;
  /** Monotonic time in ms, which restart intensity windows are measured on. */
  monotonic(): number;
}

/** The supervision tree of one actor system. */
export class SupervisionTree {
  readonly #host: SupervisionHost;
  readonly #children = new Map<string, ChildEntry[]>();
  readonly #parentOf = new Map<string, string>();
  readonly #intensity = new Map<string, RestartIntensity>();
  /** Children being stopped by their supervisor or the tree: their exit decides nothing. */
  readonly #deliberate = new Set<string>();
  readonly #queues = new Map<string, Promise<void>>();
  /** Per parent, per child: notices sent and not handled yet (see `#tell`). */
  readonly #unheard = new Map<string, Map<string, number>>();

  constructor(host: SupervisionHost) {
    this.#host = host;
  }

  /** Records a new child of `parentId`, last in start order. */
  add(parentId: string, instance: ActorInstance): void {
    const entry: ChildEntry = { id: instance.id, manifest: instance.manifest, restart: instance.manifest.restart, instance };
    const siblings = this.#children.get(parentId) ?? [];
    siblings.push(entry);
    this.#children.set(parentId, siblings);
    this.#parentOf.set(instance.id, parentId);
  }

  parentOf(childId: string): string | undefined {
    return this.#parentOf.get(childId);
  }

  /** The child entry of `childId` when `parentId` is its parent; `permission-denied` otherwise. */
  childOf(parentId: string, childId: string): ChildEntry {
    const entry = this.#children.get(parentId)?.find((child) => child.id === childId);
    if (entry === undefined) {
      throw new KernelError('permission-denied', `actor ${childId} is not a child of actor ${parentId}: only its parent may act on it`);
    }
    return entry;
  }

  /** The parent's children, in start order. */
  children(parentId: string): readonly ChildEntry[] {
    return this.#children.get(parentId) ?? [];
  }

  /** Stops a child on its parent's request: it leaves the tree, and its exit is not a failure to act on. */
  async stopChild(parentId: string, childId: string): Promise<void> {
    const entry = this.childOf(parentId, childId);
    // A restart in flight finishes first, so the instance stopped is the one that runs (not an orphan left behind).
    await entry.restarting?.catch(() => {});
    this.#deliberate.add(childId);
    await entry.instance.stop();
    this.#remove(parentId, childId);
  }

  /**
   * Restarts a child on request (its parent's, or an operator's): a fresh instance, same id, from its last committed
   * state. A restart that cannot start is the caller's error to handle: the child is then stopped, and it leaves the
   * tree as a stopped child does (`resume` brings it back); nothing is decided on it, so the parent is not told.
   */
  async restartChild(parentId: string, childId: string): Promise<void> {
    const entry = this.childOf(parentId, childId);
    await entry.restarting?.catch(() => {});
    // A child that failed but has not ended yet (its failure is being signed) ends first, and the strategy does not
    // also act on that failure: this restart answers it. Its id leaves the registry only once it has ended.
    if (entry.instance.status !== 'stopped') {
      this.#deliberate.add(childId);
      await entry.instance.stop();
    }
    try {
      await this.#restart(entry);
    } catch (error) {
      this.#remove(parentId, childId);
      throw error;
    }
  }

  /** Stops an actor's children, last started first (each stops its own children first). */
  async stopChildren(parentId: string): Promise<void> {
    const children = [...this.children(parentId)].reverse();
    for (const child of children) {
      this.#deliberate.add(child.id);
      await child.instance.stop().catch(() => {});
    }
    this.#children.delete(parentId);
    for (const child of children) this.#parentOf.delete(child.id);
    this.#intensity.delete(parentId);
    this.#unheard.delete(parentId);
  }

  /** An actor ended: its subtree stops; its parent is told and applies its strategy. */
  ended(actor: ActorInstance, exit: ActorExit): Promise<void> {
    const id = actor.id;
    const parentId = this.#parentOf.get(id);
    const work = async (): Promise<void> => {
      await this.stopChildren(id);
      if (parentId === undefined) return;
      if (this.#deliberate.delete(id)) return;
      // The instance that ended may already have been replaced (restarted by its parent).
      const entry = this.children(parentId).find((child) => child.id === id);
      if (entry === undefined || entry.instance !== actor) return;
      await this.#decide(parentId, entry, exit);
    };
    if (parentId === undefined) return work();
    // One decision at a time per parent, in the order its children ended.
    const queued = (this.#queues.get(parentId) ?? Promise.resolve()).then(work, work);
    this.#queues.set(
      parentId,
      queued.catch(() => {}),
    );
    return queued;
  }

  /**
   * Starts a new instance of `entry`'s child from its last committed state, marking the restart in flight until the
   * entry holds the new instance.
   */
  async #restart(entry: ChildEntry): Promise<void> {
    const restarting = this.#host.restart(entry, entry.instance.state());
    entry.restarting = restarting;
    try {
      entry.instance = await restarting;
    } finally {
      if (entry.restarting === restarting) entry.restarting = undefined;
    }
  }

  async #decide(parentId: string, entry: ChildEntry, exit: ActorExit): Promise<void> {
    const parent = this.#host.find(parentId);
    if (parent === undefined || parent.status !== 'running') {
      this.#remove(parentId, entry.id);
      return;
    }
    const unhandled = this.#tell(parent, entry.id, exit);
    if (unhandled !== undefined) {
      await this.stopChildren(parentId);
      this.#host.fail(parent, unhandled);
      return;
    }
    const childExit: ChildExit =
      exit.status === 'failed'
        ? { kind: 'failed', reason: exit.failure.reason }
        : exit.by === 'self'
          ? { kind: 'normal' }
          : { kind: 'shutdown' };
    const siblings = this.children(parentId);
    const plan = planRestart(
      parent.manifest.supervision.strategy,
      siblings.map((child) => ({ id: child.id, restart: child.restart })),
      entry.id,
      childExit,
    );
    if (plan.start.length > 0 && !this.#intensityOf(parent).recordRestart().allowed) {
      const { maxRestarts, withinMs } = parent.manifest.supervision;
      await this.stopChildren(parentId);
      this.#host.fail(parent, `restart intensity exceeded: more than ${maxRestarts} restarts within ${withinMs} ms`);
      return;
    }
    for (const id of plan.stop) {
      const sibling = siblings.find((child) => child.id === id);
      if (sibling === undefined) continue;
      this.#deliberate.add(id);
      await sibling.instance.stop().catch(() => {});
    }
    for (const id of plan.remove) this.#remove(parentId, id);
    for (const id of plan.start) {
      const child = this.children(parentId).find((candidate) => candidate.id === id);
      if (child === undefined || parent.status !== 'running') continue;
      try {
        await this.#restart(child);
      } catch (error) {
        // A restart that could not start (refused, or its init failed) is the child failing again, as in OTP: the
        // parent is told, and it counts against restart intensity, so a child that can never start escalates. The
        // new instance, if one was made, is not the entry's: its own end is not decided on again.
        const message = `restart failed: ${error instanceof Error ? error.message : String(error)}`;
        await this.#decide(parentId, child, { status: 'failed', failure: { reason: 'init-failed', message, during: undefined } });
        return;
      }
    }
  }

  /**
   * Tells a parent that exports supervisor-handlers how its child ended. A notice is a system message: it waits in
   * the parent's mailbox beyond `limits.mailbox` (a full mailbox never loses it), and it is bounded instead by the
   * parent's children: each child can end at most `max_restarts + 1` times before the intensity fails its parent, so
   * more unhandled notices than that about one child mean the parent has stopped supervising: the notice is not
   * sent, and the reason to fail the parent is returned (it then fails like one whose restart intensity is exceeded).
   */
  #tell(parent: ActorInstance, childId: string, exit: ActorExit): string | undefined {
    const unheard = this.#unheard.get(parent.id) ?? new Map<string, number>();
    const waiting = unheard.get(childId) ?? 0;
    const bound = parent.manifest.supervision.maxRestarts + 1;
    if (waiting >= bound)
      return `${waiting} notices of child ${childId}'s exits left unhandled (at most max_restarts + 1 = ${bound} may wait)`;
    let notice: Promise<unknown>;
    try {
      notice =
        exit.status === 'failed'
          ? // Every failure reason is itself a `wit-error-type` case, named as jco names it.
            parent.notify(HANDLERS, 'handle-child-error', [
              childId,
              { errorType: exit.failure.reason, data: utf8.encode(exit.failure.message) },
            ])
          : parent.notify(HANDLERS, 'handle-child-exit', [childId, exit.data]);
    } catch {
      // The parent does not export supervisor-handlers, or is stopping.
      return undefined;
    }
    unheard.set(childId, waiting + 1);
    this.#unheard.set(parent.id, unheard);
    const heard = (): void => {
      const left = (unheard.get(childId) ?? 1) - 1;
      if (left > 0) unheard.set(childId, left);
      else unheard.delete(childId);
      if (unheard.size === 0 && this.#unheard.get(parent.id) === unheard) this.#unheard.delete(parent.id);
    };
    notice.then(heard, heard);
    return undefined;
  }

  #intensityOf(parent: ActorInstance): RestartIntensity {
    let intensity = this.#intensity.get(parent.id);
    if (intensity === undefined) {
      intensity = createRestartIntensity(parent.manifest.supervision, () => this.#host.monotonic());
      this.#intensity.set(parent.id, intensity);
    }
    return intensity;
  }

  #remove(parentId: string, childId: string): void {
    const siblings = this.#children.get(parentId);
    if (siblings === undefined) return;
    const index = siblings.findIndex((child) => child.id === childId);
    if (index >= 0) siblings.splice(index, 1);
    this.#parentOf.delete(childId);
  }
}
