/**
 * A warm pool of started workers for dedicated actors, so spawning one pays neither worker start-up (~60 ms) nor, for the
 * component spawned most recently, instantiation: idle workers instantiate it ahead of time, and a spawn of the
 * same component (with the same memory cap) only attaches to one. Workers are never reused across actors: an
 * actor's worker is terminated when the actor ends, and the pool starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import { FROM_WORKER, type FromWorker, type InstanceSpec, TO_WORKER } from './protocol.js';

const WORKER_URL = new URL('./schedulerWorker.js', import.meta.url);

/** Limits for the JavaScript heap of a dedicated worker (the glue's, not the guest's linear memory). */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

interface Idle {
  readonly worker: Worker;
  /** The component this worker has instantiated ahead of time, once it has. */
  prepared: string | undefined;
  /** Settles when the worker has finished (or given up) preparing. */
  preparing: Promise<void>;
  /** Stops waiting for preparation (the worker was taken or died). */
  abandon: () => void;
}

/** A pool of ready sandbox workers. */
export class WorkerPool {
  readonly #size: number;
  readonly #idle: Idle[] = [];
  readonly #starting = new Set<Promise<void>>();
  #spec: InstanceSpec | undefined;
  #closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`expected a pool size >= 0, got ${size}`);
    this.#size = size;
    this.#fill();
  }

  /** Asks idle workers (now and later) to instantiate `spec` ahead of time. */
  prepare(spec: InstanceSpec): void {
    if (this.#spec?.key === spec.key) return;
    this.#spec = spec;
    for (const idle of this.#idle) this.#prepareIdle(idle);
  }

  /**
   * Takes a ready worker, preferring one prepared for `key` (`prepared` says whether it is). The replacement starts on `refill()`, which the caller
   * invokes once its spawn is done, so starting it does not compete with the spawn for the CPU.
   */
  async take(key: string): Promise<{ worker: Worker; prepared: boolean }> {
    if (this.#closed) throw new Error('worker pool is closed');
    this.#dropDead();
    const index = this.#idle.findIndex((idle) => idle.prepared === key);
    const [idle] = this.#idle.splice(index >= 0 ? index : 0, 1);
    idle?.abandon();
    const worker = idle?.worker ?? (await startWorker());
    worker.removeAllListeners('message');
    worker.removeAllListeners('exit');
    return { worker, prepared: idle?.prepared === key };
  }

  /** Starts workers until the pool is full again. */
  refill(): void {
    this.#fill();
  }

  /** Resolves once the pool holds its ready workers, prepared if a component was named. */
  async warm(): Promise<void> {
    while (this.#starting.size > 0) await Promise.all(this.#starting);
    await Promise.all(this.#idle.map((idle) => idle.preparing));
  }

  /** Terminates every idle worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#starting);
    await Promise.all(this.#idle.splice(0).map((idle) => idle.worker.terminate()));
  }

  #fill(): void {
    while (!this.#closed && this.#idle.length + this.#starting.size < this.#size) {
      const starting = startWorker().then(
        async (worker) => {
          if (this.#closed) {
            await worker.terminate();
            return;
          }
          const idle: Idle = { worker, prepared: undefined, preparing: Promise.resolve(), abandon: () => {} };
          this.#idle.push(idle);
          worker.once('exit', () => {
            idle.abandon();
            this.#dropDead();
            this.#fill();
          });
          this.#prepareIdle(idle);
        },
        () => {},
      );
      this.#starting.add(starting);
      void starting.finally(() => this.#starting.delete(starting));
    }
  }

  #prepareIdle(idle: Idle): void {
    const spec = this.#spec;
    if (spec === undefined || idle.prepared === spec.key) return;
    const { worker } = idle;
    idle.abandon();
    // The worker drops what it had prepared as soon as it starts on this: a spawn taking it now must send modules.
    idle.prepared = undefined;
    idle.preparing = new Promise((resolve) => {
      const onMessage = (message: FromWorker): void => {
        if (message.kind !== FROM_WORKER.prepared || message.key !== spec.key) return;
        if (message.ok) idle.prepared = spec.key;
        idle.abandon();
      };
      idle.abandon = () => {
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.postMessage({ kind: TO_WORKER.prepare, key: spec.key, spec });
    });
  }

  #dropDead(): void {
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      if (this.#idle[i]!.worker.threadId === -1) this.#idle.splice(i, 1);
    }
  }
}

/** Starts a scheduler worker and resolves once it is ready; `resourceLimits` bound its JavaScript heap. */
export function startWorker(
  resourceLimits: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } = RESOURCE_LIMITS,
): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { env: {}, resourceLimits, stdout: true, stderr: true });
    // The glue may print diagnostics; they are not the kernel's to show.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.once('message', (message: FromWorker) => {
      if (message.kind === FROM_WORKER.ready) resolve(worker);
      else reject(new Error(`unexpected first message from sandbox worker: ${message.kind}`));
    });
    worker.once('error', reject);
    worker.unref();
  });
}
