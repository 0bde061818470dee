/**
 * Raw baselines measured beside the kernel in the same run, with no kernel in between: a bare `instantiate` of a
 * cached component, the guest loops of bareGuestWorker.ts in a worker, and an `Atomics` wait/notify round trip
 * between two workers (the floor of a synchronous cross-thread call).
 */
import { Worker } from 'node:worker_threads';
import type { BareTask } from './bareGuestWorker.js';

/**
 * Milliseconds of each of `count` bare instantiations of the cached component in `dir`: modules precompiled, glue
 * warm (one untimed instantiation first), in a fresh worker, as the kernel instantiates in a worker.
 */
export function bareInstantiate(dir: string, count: number): Promise<number[]> {
  return bareTask({ kind: 'instantiate', dir, count });
}

/** Runs one task of bareGuestWorker.ts in a fresh worker and resolves with its figures. */
export async function bareTask(task: BareTask): Promise<number[]> {
  const worker = new Worker(new URL('./bareGuestWorker.js', import.meta.url), { workerData: task });
  try {
    const result = await new Promise<number[] | { error: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!Array.isArray(result)) throw new Error(`bare ${task.kind} baseline failed: ${result.error}`);
    return result;
  } finally {
    await worker.terminate();
  }
}

// Two workers bounce a counter through a SharedArrayBuffer: slot 0 is the ping, slot 1 the pong; each side blocks in
// Atomics.wait until the other's store and notify.
const PING = `
const { workerData, parentPort } = require('node:worker_threads');
const slots = new Int32Array(workerData.buffer);
const { warmup, count, rounds } = workerData;
let seq = 0;
const bounce = (n) => {
  for (let i = 0; i < n; i++) {
    seq++;
    Atomics.store(slots, 0, seq);
    Atomics.notify(slots, 0);
    while (Atomics.load(slots, 1) !== seq) Atomics.wait(slots, 1, seq - 1);
  }
};
bounce(warmup);
const figures = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  bounce(count);
  figures.push(((performance.now() - started) * 1000) / count);
}
parentPort.postMessage(figures);
`;
const PONG = `
const { workerData } = require('node:worker_threads');
const slots = new Int32Array(workerData.buffer);
const total = workerData.warmup + workerData.count * workerData.rounds;
for (let seq = 1; seq <= total; seq++) {
  while (Atomics.load(slots, 0) !== seq) Atomics.wait(slots, 0, seq - 1);
  Atomics.store(slots, 1, seq);
  Atomics.notify(slots, 1);
}
`;

/** µs per `Atomics` wait/notify round trip between two blocking workers, one figure per round of `count`. */
export async function atomicsRoundTrip(options: { warmup: number; count: number; rounds: number }): Promise<number[]> {
  const buffer = new SharedArrayBuffer(8);
  const workerData = { buffer, ...options };
  const pong = new Worker(PONG, { eval: true, workerData });
  const ping = new Worker(PING, { eval: true, workerData });
  try {
    return await new Promise<number[]>((resolve, reject) => {
      ping.once('message', resolve);
      ping.once('error', reject);
      pong.once('error', reject);
    });
  } finally {
    await Promise.all([ping.terminate(), pong.terminate()]);
  }
}
