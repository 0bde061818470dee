/**
 * The operator API (`@theater/server` through `@theater/client`) beside the same work done in-process on the
 * server's own actor system, in the same run: request round trip over HTTP and over a WebSocket session vs
 * `system.request`; sends per second at concurrency 1 and 32 vs `system.send`; and the live event stream's delivery
 * rate to one subscriber vs the rate the store appends those events. The actor is the small WAT counter, so the
 * figures are the API's cost, not the guest's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { TheaterClient } from '@theater/client';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import { testActorManifest } from '@theater/test-actors';
import type { LoadTask } from './apiLoad.js';
import { median, percentile } from './stats.js';

type Row = { metric: string; theater: string; baseline: string; ratio: string; target: string };

export interface ApiBenchOptions {
  /** Requests per round-trip measurement. */
  readonly requests: number;
  /** Sends per throughput measurement. */
  readonly sends: number;
  /** Messages sent while the event stream is measured (each makes 2 events). */
  readonly streamMessages: number;
}

const MESSAGE = new TextEncoder().encode('x');

/** Latencies (µs) of `count` calls made one after another. */
async function latencies(count: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await call();
    samples.push((performance.now() - started) * 1000);
  }
  return samples;
}

/** Calls per second for `total` calls made by `concurrency` callers. */
async function rate(total: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await call();
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** Runs one load task in a worker thread (see apiLoad.ts) and resolves with its result. */
function load<T extends number[] | number>(task: LoadTask): Promise<T> {
  const worker = new Worker(fileURLToPath(new URL('./apiLoadWorker.mjs', import.meta.url)), {
    workerData: task,
    execArgv: ['--conditions=@theater/source'],
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: T) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`the load worker exited with ${code}`));
    });
  });
}

const us = (samples: readonly number[]): string => `p50 ${median(samples).toFixed(0)} / p99 ${percentile(samples, 99).toFixed(0)} µs`;

export async function measureApi(options: ApiBenchOptions): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const home = await mkdtemp(join(tmpdir(), 'theater-bench-api-'));
  let server: TheaterServer | undefined;
  try {
    server = await startTheaterServer({ home });
    const { system } = server;
    const client = new TheaterClient({ url: server.url, token: server.token });
    const actor = await client.actors.start({ path: testActorManifest('small') });
    const id = actor.id;
    // The clients run in a worker thread, as they would in their own process; the baseline calls the same system
    // from the server's thread.
    const task = (transport: 'http' | 'ws', kind: 'latency' | 'rate', count: number, concurrency = 1): LoadTask => ({
      url: server!.url,
      token: server!.token,
      actorId: id,
      transport,
      kind,
      count,
      concurrency,
      warmup: 500,
    });
    await latencies(500, () => system.request(id, MESSAGE));
    const inProcess = await latencies(options.requests, () => system.request(id, MESSAGE));
    const overHttp = await load<number[]>(task('http', 'latency', options.requests));
    const overWs = await load<number[]>(task('ws', 'latency', options.requests));

    const sendRates: Record<string, { inProcess: number; http: number; ws: number }> = {};
    for (const concurrency of [1, 32]) {
      sendRates[concurrency] = {
        inProcess: await rate(options.sends, concurrency, () => system.send(id, MESSAGE)),
        http: await load<number>(task('http', 'rate', options.sends, concurrency)),
        ws: await load<number>(task('ws', 'rate', options.sends, concurrency)),
      };
    }

    // The live stream: a subscriber from the head while messages are sent (2 events each) at concurrency 32.
    const stream = await client.actors.start({ path: testActorManifest('small') });
    const head = (await system.events(stream.id)).length;
    const expected = head + options.streamMessages * 2;
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/actors/${stream.id}/events/stream?from=${head}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    let received = head;
    let deliveredAt = 0;
    const allDelivered = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string };
        if (frame.type === 'error') reject(new Error(data.toString()));
        if (frame.type === 'event' && ++received === expected) {
          deliveredAt = performance.now();
          resolve();
        }
      });
      socket.once('error', reject);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const started = performance.now();
    await rate(options.streamMessages, 32, () => system.send(stream.id, MESSAGE));
    const appendedAt = performance.now();
    await allDelivered;
    socket.close();
    const appendRate = (options.streamMessages * 2) / ((appendedAt - started) / 1000);
    const deliveryRate = (options.streamMessages * 2) / ((deliveredAt - started) / 1000);
    // The history: a second subscriber from seq 0 reads every stored event.
    const history = await measureHistory(server, stream.id, expected);

    const rows: Row[] = [
      {
        metric: 'API request round trip, HTTP (small WAT actor)',
        theater: us(overHttp),
        baseline: `${us(inProcess)} (system.request in-process)`,
        ratio: `${(median(overHttp) / median(inProcess)).toFixed(1)}x`,
        target: '(report)',
      },
      {
        metric: 'API request round trip, WebSocket session',
        theater: us(overWs),
        baseline: `${us(inProcess)} (system.request in-process)`,
        ratio: `${(median(overWs) / median(inProcess)).toFixed(1)}x`,
        target: '(report)',
      },
      ...[1, 32].map((concurrency) => {
        const { inProcess: local, http: overHttpRate, ws } = sendRates[concurrency]!;
        return {
          metric: `API sends/s, concurrency ${concurrency}: HTTP / WebSocket session`,
          theater: `${Math.round(overHttpRate)} / ${Math.round(ws)} msg/s`,
          baseline: `${Math.round(local)} msg/s (system.send in-process)`,
          ratio: `${((overHttpRate / local) * 100).toFixed(0)}% / ${((ws / local) * 100).toFixed(0)}%`,
          target: '(report)',
        };
      }),
      {
        metric: `event stream to one subscriber, live (${options.streamMessages * 2} events)`,
        theater: `${Math.round(deliveryRate)} events/s delivered`,
        baseline: `${Math.round(appendRate)} events/s appended by the store (32 senders in-process)`,
        ratio: `${((deliveryRate / appendRate) * 100).toFixed(0)}%`,
        target: 'keeps up (report)',
      },
      {
        metric: `event stream to one subscriber, history from seq 0 (${expected} events)`,
        theater: `${Math.round(history)} events/s`,
        baseline: `${Math.round(appendRate)} events/s appended`,
        ratio: `${(history / appendRate).toFixed(1)}x`,
        target: '(report)',
      },
    ];
    return {
      rows,
      results: {
        requestUs: { inProcess, http: overHttp, ws: overWs },
        sendRates,
        stream: { appendRate, deliveryRate, historyRate: history, events: expected },
      },
    };
  } finally {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** Events per second a subscriber from seq 0 receives until it has `count` events. */
async function measureHistory(server: TheaterServer, actorId: string, count: number): Promise<number> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/actors/${actorId}/events/stream?from=0`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const started = performance.now();
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string };
      if (frame.type === 'error') reject(new Error(data.toString()));
      if (frame.type === 'event' && ++received === count) resolve();
    });
    socket.once('error', reject);
  });
  const elapsed = performance.now() - started;
  socket.close();
  return count / (elapsed / 1000);
}

// Run alone: `pnpm exec tsx --conditions=@theater/source bench/apiBench.ts`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rows } = await measureApi({ requests: 2_000, sends: 4_000, streamMessages: 5_000 });
  console.table(rows);
}
