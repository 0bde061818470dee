/**
 * Placement: which scheduler thread an actor runs in. A `dedicated` actor gets a worker of its own from the warm
 * pool (today's one worker per actor); a `shared` one goes to the least-loaded of a small set of shared scheduler
 * workers (about one per core), started when first needed, skipping any blocked in a host call (one more starts when
 * all are). A shared worker that dies is replaced in its place, and its surviving residents move to the replacement.
 * A shared worker keeps a spare instance of the components it hosted last, so a later spawn of one only attaches.
 */
import type { Clock } from '../clock.js';
import type { InstanceSpec } from './protocol.js';
import { SchedulerThread } from './schedulerThread.js';
import { startWorker, type WorkerPool } from './workerPool.js';

/**
 * JavaScript heap of a shared worker: its residents' glue shares it (a componentize-js actor's heap lives there), so
 * it is sized for many; a dedicated worker keeps the pool's smaller limit.
 */
const SHARED_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 4096, maxYoungGenerationSizeMb: 64 };

/**
 * Spare instances a shared worker keeps, one per component (the components spawned there most recently): enough for
 * a few kinds of actors spawned in turn, while an unused spare costs one idle instance (a componentize-js one ~4 MB).
 */
const SPARES_PER_SHARED_WORKER = 4;

interface SharedEntry {
  readonly thread: Promise<SchedulerThread>;
  /** Actors placed here whose load has not attached yet (they count toward its load). */
  placing: number;
  current: SchedulerThread | undefined;
}

/** Places actors on scheduler threads; see the module header. */
export class Placement {
  readonly #pool: WorkerPool;
  readonly #clock: Clock;
  readonly #shared: (SharedEntry | undefined)[];
  readonly #dedicated = new Set<SchedulerThread>();
  /** The replacement of each dead shared thread, so all its residents move to the same one. */
  readonly #replacements = new WeakMap<SchedulerThread, Promise<SchedulerThread>>();
  #closed = false;

  /** `sharedWorkers` bounds how many shared scheduler workers run (>= 1). */
  constructor(pool: WorkerPool, sharedWorkers: number, clock: Clock) {
    if (!Number.isInteger(sharedWorkers) || sharedWorkers < 1) {
      throw new RangeError(`expected schedulerWorkers to be an integer >= 1, got ${sharedWorkers}`);
    }
    this.#pool = pool;
    this.#clock = clock;
    this.#shared = new Array<SharedEntry | undefined>(sharedWorkers).fill(undefined);
  }

  /** A worker of its own, preferring one that instantiated `key` ahead of time. */
  async dedicated(key: string): Promise<{ thread: SchedulerThread; prepared: boolean }> {
    this.#assertOpen();
    const { worker, prepared } = await this.#pool.take(key);
    const thread = new SchedulerThread(worker, { dedicated: true, prepared: prepared ? key : undefined, clock: this.#clock });
    this.#dedicated.add(thread);
    worker.once('exit', () => this.#dedicated.delete(thread));
    return { thread, prepared };
  }

  /**
   * The least-loaded shared thread (one not started yet counts as empty). `attached` must be called once the actor's
   * load has been posted (or has failed), so the count moves from placing to the thread's residents.
   */
  async shared(): Promise<{ thread: SchedulerThread; attached: () => void }> {
    this.#assertOpen();
    let best = -1;
    let bestLoad = Infinity;
    for (let i = 0; i < this.#shared.length; i++) {
      const entry = this.#shared[i];
      // A worker blocked in a host call loads nothing until it returns; its blocked actor may be the one spawning.
      if (entry?.current?.blocked === true) continue;
      const load = entry === undefined ? 0 : entry.placing + (entry.current?.size ?? 0);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    // Every shared worker is blocked (a supervisor spawning from the only one): one more starts, so the spawn ends.
    if (best < 0) best = this.#shared.push(undefined) - 1;
    const entry = this.#shared[best] ?? this.#start(best);
    this.#shared[best] = entry;
    entry.placing++;
    try {
      const thread = await entry.thread;
      let done = false;
      return {
        thread,
        attached: () => {
          if (done) return;
          done = true;
          entry.placing--;
        },
      };
    } catch (error) {
      entry.placing--;
      throw error;
    }
  }

  /** Asks shared `thread` to instantiate `spec` ahead of time, for the next spawn of it placed there. */
  spare(thread: SchedulerThread, spec: InstanceSpec): void {
    if (!this.#closed && !thread.dedicated) thread.prepare(spec, SPARES_PER_SHARED_WORKER);
  }

  /** Resolves once the shared workers have their spares ready. */
  async warm(): Promise<void> {
    const threads = await Promise.allSettled(this.#shared.map((entry) => entry?.thread));
    await Promise.all(threads.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.warm() : undefined)));
  }

  /** The thread that takes the place of dead shared thread `dead` (the same one for all its residents). */
  replace(dead: SchedulerThread): Promise<SchedulerThread> {
    let replacement = this.#replacements.get(dead);
    if (replacement === undefined) {
      const index = this.#shared.findIndex((entry) => entry?.current === dead);
      if (this.#closed) replacement = Promise.reject(new Error('the actor system is closing'));
      else if (index >= 0) {
        const entry = this.#start(index);
        this.#shared[index] = entry;
        replacement = entry.thread;
      } else replacement = this.#start(-1).thread;
      this.#replacements.set(dead, replacement);
    }
    return replacement;
  }

  /** Terminates every shared worker (dedicated ones end with their actors). */
  async close(): Promise<void> {
    this.#closed = true;
    const threads = await Promise.allSettled(this.#shared.map((entry) => entry?.thread));
    await Promise.allSettled(threads.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.terminate() : undefined)));
    await Promise.allSettled([...this.#dedicated].map((thread) => thread.terminate()));
  }

  #start(index: number): SharedEntry {
    const entry: SharedEntry = {
      placing: 0,
      current: undefined,
      thread: startWorker(SHARED_RESOURCE_LIMITS).then(async (worker) => {
        const thread = new SchedulerThread(worker, { dedicated: false, clock: this.#clock });
        if (this.#closed) {
          await thread.terminate();
          throw new Error('the actor system is closing');
        }
        entry.current = thread;
        return thread;
      }),
    };
    // A worker that failed to start frees its place for the next attempt.
    entry.thread.catch(() => {
      if (index >= 0 && this.#shared[index] === entry) this.#shared[index] = undefined;
    });
    return entry;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the actor system is closing');
  }
}
