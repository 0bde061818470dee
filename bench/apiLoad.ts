/**
 * The load side of the API benchmark, run in its own worker thread as a real client would run in its own process:
 * the server's thread then does only the server's work. Takes one task from `workerData`, posts its result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TheaterClient } from '@theater/client';

/** One measurement: request latencies (µs) or a send rate (msg/s), over HTTP or a WebSocket session. */
export interface LoadTask {
  readonly url: string;
  readonly token: string;
  readonly actorId: string;
  readonly transport: 'http' | 'ws';
  readonly kind: 'latency' | 'rate';
  readonly count: number;
  readonly concurrency: number;
  readonly warmup: number;
}

const MESSAGE = new TextEncoder().encode('x');
const task = workerData as LoadTask;
const client = new TheaterClient({ url: task.url, token: task.token });
const session = task.transport === 'ws' ? await client.openSession() : undefined;
const request = (): Promise<unknown> => (session ? session.request(task.actorId, MESSAGE) : client.messages.request(task.actorId, MESSAGE));
const send = (): Promise<unknown> => (session ? session.send(task.actorId, MESSAGE) : client.messages.send(task.actorId, MESSAGE));
const call = task.kind === 'latency' ? request : send;

for (let index = 0; index < task.warmup; index++) await call();
let result: number[] | number;
if (task.kind === 'latency') {
  const samples: number[] = [];
  for (let index = 0; index < task.count; index++) {
    const started = performance.now();
    await call();
    samples.push((performance.now() - started) * 1000);
  }
  result = samples;
} else {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: task.concurrency }, async () => {
      while (next++ < task.count) await call();
    }),
  );
  result = task.count / ((performance.now() - started) / 1000);
}
session?.close();
parentPort!.postMessage(result);
