/**
 * A warm pool of started sandbox workers, so spawning an actor does not pay worker start-up (~60 ms). Workers are
 * never reused: an actor's worker is terminated when the actor ends, and the pool starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker } from './protocol.js';

const WORKER_URL = new URL('./sandboxWorker.js', import.meta.url);

/** Limits for the JavaScript heap of a worker (the glue's, not the guest's linear memory). */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/** A pool of ready sandbox workers. */
export class WorkerPool {
  readonly #size: number;
  readonly #ready: Worker[] = [];
  readonly #starting = new Set<Promise<Worker>>();
  #closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`expected a pool size >= 0, got ${size}`);
    this.#size = size;
    this.#fill();
  }

  /** Takes a ready worker (starting one if the pool is empty) and starts a replacement. */
  async take(): Promise<Worker> {
    if (this.#closed) throw new Error('worker pool is closed');
    const worker = this.#ready.shift() ?? (await startWorker());
    this.#fill();
    return worker;
  }

  /** Number of workers ready to be taken. */
  get available(): number {
    return this.#ready.length;
  }

  /** Resolves once the pool holds its full complement of ready workers. */
  async warm(): Promise<void> {
    while (this.#starting.size > 0) await Promise.all(this.#starting);
  }

  /** Terminates every idle worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#starting);
    await Promise.all(this.#ready.splice(0).map((worker) => worker.terminate()));
  }

  #fill(): void {
    while (!this.#closed && this.#ready.length + this.#starting.size < this.#size) {
      const starting = startWorker();
      this.#starting.add(starting);
      starting
        .then(async (worker) => {
          if (this.#closed) await worker.terminate();
          else this.#ready.push(worker);
        }, () => {})
        .finally(() => this.#starting.delete(starting));
    }
  }
}

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { env: {}, resourceLimits: RESOURCE_LIMITS, stdout: true, stderr: true });
    // The glue may print diagnostics; they are not the kernel's to show.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.once('message', (message: FromWorker) => {
      if (message.kind === 'ready') resolve(worker);
      else reject(new Error(`unexpected first message from sandbox worker: ${message.kind}`));
    });
    worker.once('error', reject);
    worker.unref();
  });
}
