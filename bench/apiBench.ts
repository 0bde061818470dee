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
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { TheaterClient } from '@theater/client';
import { startTheaterServer, type TheaterServer } from '@theater/server';
import type { LoadTask } from './apiLoad.js';
import { testActorManifest } from './paths.js';
import { benchRow, type BenchRow } from './row.js';
import { median } from './stats.js';

export interface ApiBenchOptions {
  /** Requests per round-trip measurement. */
  readonly requests: number;
  /** Sends per throughput measurement. */
  readonly sends: number;
  /** Messages sent while the event stream is measured (each makes 2 events). */
  readonly streamMessages: number;
  /** Rounds of each send rate (and slices of the latency samples). */
  readonly rounds: number;
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
  const worker = new Worker(new URL('./apiLoad.js', import.meta.url), { workerData: task });
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

/** The p50 of each of `parts` consecutive slices of `samples`: one figure per slice, as rounds. */
function slicedP50(samples: readonly number[], parts: number): number[] {
  const size = Math.ceil(samples.length / parts);
  return Array.from({ length: parts }, (_, i) => median(samples.slice(i * size, (i + 1) * size)));
}

export async function measureApi(options: ApiBenchOptions): Promise<{ rows: BenchRow[]; results: Record<string, unknown> }> {
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

    const sendRates: Record<string, { inProcess: number[]; http: number[]; ws: number[] }> = {};
    for (const concurrency of [1, 32]) {
      const rates = { inProcess: [] as number[], http: [] as number[], ws: [] as number[] };
      for (let round = 0; round < options.rounds; round++) {
        rates.inProcess.push(await rate(options.sends, concurrency, () => system.send(id, MESSAGE)));
        rates.http.push(await load<number>(task('http', 'rate', options.sends, concurrency)));
        rates.ws.push(await load<number>(task('ws', 'rate', options.sends, concurrency)));
      }
      sendRates[concurrency] = rates;
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

    const parts = options.rounds;
    const inProcessP50 = slicedP50(inProcess, parts);
    const rows: BenchRow[] = [
      benchRow({
        id: 'api-request-http',
        metric: `API request round trip over HTTP, small WAT actor (p50 of each ${parts}th of ${options.requests})`,
        unit: 'µs',
        values: slicedP50(overHttp, parts),
        baselineValues: inProcessP50,
        baselineIs: 'system.request in-process',
      }),
      benchRow({
        id: 'api-request-ws',
        metric: `API request round trip over a WebSocket session (p50 of each ${parts}th of ${options.requests})`,
        unit: 'µs',
        values: slicedP50(overWs, parts),
        baselineValues: inProcessP50,
        baselineIs: 'system.request in-process',
      }),
      ...[1, 32].flatMap((concurrency) => {
        const { inProcess: local, http: overHttpRate, ws } = sendRates[concurrency]!;
        return (['http', 'ws'] as const).map((transport) =>
          benchRow({
            id: `api-send-${transport}-c${concurrency}`,
            metric: `API sends/s over ${transport === 'http' ? 'HTTP' : 'a WebSocket session'}, concurrency ${concurrency}`,
            unit: 'msg/s',
            values: transport === 'http' ? overHttpRate : ws,
            baselineValues: local,
            baselineIs: 'system.send in-process',
          }),
        );
      }),
      benchRow({
        id: 'api-stream-live',
        metric: `event stream to one subscriber, live (${options.streamMessages * 2} events)`,
        unit: 'events/s',
        values: [deliveryRate],
        baselineValues: [appendRate],
        baselineIs: 'events/s appended by the store (32 senders in-process)',
        target: 'keeps up (report)',
      }),
      benchRow({
        id: 'api-stream-history',
        metric: `event stream to one subscriber, history from seq 0 (${expected} events)`,
        unit: 'events/s',
        values: [history],
        baselineValues: [appendRate],
        baselineIs: 'events/s appended',
      }),
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

// Run alone: `node bench/dist/bench/apiBench.js` (after `pnpm bench`, which builds it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rows } = await measureApi({ requests: 2_000, sends: 1_500, streamMessages: 5_000, rounds: 3 });
  console.table(rows);
}
