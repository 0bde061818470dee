/**
 * `pnpm bench`: spawn latency, handle-send throughput, HTTP serving and memory per actor through the kernel, each
 * beside a raw baseline measured in the same run. Prints a table and writes JSON to bench/results/.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActorSystem, loadManifest, type Actor } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { testActorManifest } from '@theater/test-actors';
import { bareInstantiate, bareSendLoop } from './bareBaselines.js';
import { measureVerify } from './chainBench.js';
import { requestRoundTrip, restartLatency, sendThroughput } from './messagingBench.js';
import { httpRows, measureHttp } from './httpBench.js';
import { measureApi } from './apiBench.js';
import { median, percentile } from './stats.js';

const COUNTER = fileURLToPath(new URL('../examples/counter/manifest.toml', import.meta.url));
const SPAWNS = 40;
const SEND_WARMUP = 5_000;
const SEND_COUNT = 20_000;
const ROUNDS = 3;
const LIVE_ACTORS = 20;
const REPLAY_MESSAGES = 10_000;

const home = await mkdtemp(join(tmpdir(), 'theater-bench-'));
const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 2 });
const rows: { metric: string; theater: string; baseline: string; ratio: string; target: string }[] = [];
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
const encoder = new TextEncoder();
/** One message buffer reused for every send, as the bare loop does (the kernel copies it on send). */
const MESSAGE = encoder.encode('x');

try {
  const counter = await loadManifest(COUNTER, { handlers: system.handlers });
  const small = await loadManifest(testActorManifest('small'), { handlers: system.handlers });

  // Spawn latency, warm component cache and warm pool.
  for (const [label, manifest] of [
    ['componentize-js counter', counter],
    ['small WAT actor', small],
  ] as const) {
    const first = await system.spawn(manifest); // fills the caches
    await first.stop();
    const cacheDir = join(system.home.cacheDir, 'components', first.componentHash);
    const spawnMs: number[] = [];
    for (let i = 0; i < SPAWNS; i++) {
      await system.warm();
      const started = performance.now();
      const actor = await system.spawn(manifest);
      spawnMs.push(performance.now() - started);
      await actor.stop();
    }
    const bare = await bareInstantiate(cacheDir, SPAWNS);
    const target = label === 'small WAT actor' ? 'p50 <= 2 ms' : 'p50 <= 25 ms';
    rows.push({
      metric: `spawn p50 / p99, ${label}`,
      theater: `${median(spawnMs).toFixed(2)} / ${percentile(spawnMs, 99).toFixed(2)} ms`,
      baseline: `${median(bare).toFixed(2)} / ${percentile(bare, 99).toFixed(2)} ms (bare instantiate)`,
      ratio: `${(median(spawnMs) / median(bare)).toFixed(2)}x`,
      target,
    });
    results[`spawn:${label}`] = { spawnMs, bareInstantiateMs: bare };
  }

  // handle-send throughput of the counter: chain persisted (the default) vs kept in memory (save_chain = false),
  // rounds interleaved so both see the same machine, beside a bare loop in one worker.
  const persisted = await system.spawn(counter);
  const inMemory = await system.spawn({ ...counter, saveChain: false });
  const cacheDir = join(system.home.cacheDir, 'components', persisted.componentHash);
  await sendMany(persisted, SEND_WARMUP);
  await sendMany(inMemory, SEND_WARMUP);
  const chainOnRates: number[] = [];
  const chainOffRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    chainOnRates.push(await sendRate(persisted, SEND_COUNT));
    chainOffRates.push(await sendRate(inMemory, SEND_COUNT));
  }
  await Promise.all([persisted.stop(), inMemory.stop()]);
  const bareRates = await bareSendLoop(cacheDir, { warmup: SEND_WARMUP, count: SEND_COUNT, rounds: ROUNDS });
  rows.push({
    metric: 'handle-send throughput (counter), chain persisted',
    theater: `${Math.round(median(chainOnRates))} msg/s`,
    baseline: `${Math.round(median(bareRates))} calls/s (bare loop in a worker)`,
    ratio: `${((median(chainOnRates) / median(bareRates)) * 100).toFixed(0)}%`,
    target: '>= 70%',
  });
  rows.push({
    metric: 'chain on vs off (counter)',
    theater: `${Math.round(median(chainOnRates))} msg/s persisted`,
    baseline: `${Math.round(median(chainOffRates))} msg/s in memory (save_chain = false)`,
    ratio: `${((1 - median(chainOnRates) / median(chainOffRates)) * 100).toFixed(0)}% loss`,
    target: '<= 15% loss',
  });
  results['throughput'] = { chainOnRates, chainOffRates, bareRates };

  // Replay of 10k messages vs the run that recorded them: the messages sent one after another (each awaited, as a
  // client does), and, for comparison, sent pipelined.
  const recorded = await system.spawn(counter);
  const runStarted = performance.now();
  for (let i = 0; i < REPLAY_MESSAGES; i++) await recorded.send(MESSAGE);
  const runMs = performance.now() - runStarted;
  await recorded.stop();
  const pipelined = await system.spawn(counter);
  const pipelinedStarted = performance.now();
  await sendMany(pipelined, REPLAY_MESSAGES);
  const pipelinedMs = performance.now() - pipelinedStarted;
  await pipelined.stop();
  const replayMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const replayed = await system.replay(recorded.id);
    if (!replayed.ok) throw new Error(`replay diverged: ${JSON.stringify(replayed.divergence)}`);
    replayMs.push(replayed.durationMs);
  }
  rows.push({
    metric: `replay, counter, ${REPLAY_MESSAGES / 1000}k messages`,
    theater: `${median(replayMs).toFixed(0)} ms`,
    baseline: `${runMs.toFixed(0)} ms original run, sent one by one (${pipelinedMs.toFixed(0)} ms pipelined)`,
    ratio: `${(runMs / median(replayMs)).toFixed(1)}x faster (${(pipelinedMs / median(replayMs)).toFixed(1)}x vs pipelined)`,
    target: '>= 5x faster',
  });
  results['replay'] = { messages: REPLAY_MESSAGES, runMs, pipelinedMs, replayMs };

  // Messaging and supervision (componentize-js actors; there is no WAT messaging actor yet).
  const roundTrip = await requestRoundTrip(system, 20, 200);
  rows.push({
    metric: 'request round trip, actor to actor (componentize-js)',
    theater: `p50 ${roundTrip.p50.toFixed(0)} µs / p99 ${roundTrip.p99.toFixed(0)} µs`,
    baseline: '20 batches of 200 requests made by the guest in a loop',
    ratio: '',
    target: 'p50 <= 150 µs (small actors)',
  });
  const sendRates: Record<string, number> = {};
  for (const pairs of [1, 4, 16]) sendRates[pairs] = await sendThroughput(system, pairs, 1_000);
  rows.push({
    metric: 'send throughput across 1 / 4 / 16 pairs',
    theater: `${Object.values(sendRates)
      .map((rate) => Math.round(rate))
      .join(' / ')} msg/s`,
    baseline: 'messenger sends 1000 in one operation to an echo actor, per pair',
    ratio: '',
    target: '(report)',
  });
  const restarts = await restartLatency(system, 20);
  rows.push({
    metric: 'restart latency of a failed child',
    theater: `p50 ${median(restarts).toFixed(1)} ms / p99 ${percentile(restarts, 99).toFixed(1)} ms`,
    baseline: 'trapper under an overseer: actor.failed to actor.started',
    ratio: '',
    target: '(report)',
  });
  results['messaging'] = { roundTrip, sendRates, restartMs: restarts };

  // Serving HTTP through an actor (examples/http) vs a bare node:http server, same client, same run.
  const http = await measureHttp(system, { requests: 2_000, warmup: 500, concurrencies: [1, 32] });
  rows.push(...httpRows(http));
  results['http'] = http;

  // Memory per live actor.
  globalThis.gc?.();
  const before = process.memoryUsage();
  const live: Actor[] = [];
  for (let i = 0; i < LIVE_ACTORS; i++) {
    await system.warm();
    live.push(await system.spawn(counter));
  }
  await Promise.all(live.map((a) => a.send(encoder.encode('hello'))));
  globalThis.gc?.();
  const after = process.memoryUsage();
  const rssPerActor = (after.rss - before.rss) / LIVE_ACTORS / 2 ** 20;
  rows.push({
    metric: 'memory per live actor (counter)',
    theater: `${rssPerActor.toFixed(1)} MB RSS`,
    baseline: `${LIVE_ACTORS} live actors, each with its worker and wasm memory`,
    ratio: '',
    target: '<= 20 MB',
  });
  results['memory'] = { liveActors: LIVE_ACTORS, rssPerActorMb: rssPerActor };
  await Promise.all(live.map((a) => a.stop()));
  // Chain verification.
  // The operator API, on its own server and home, beside in-process calls on that server's system.
  const api = await measureApi({ requests: 2_000, sends: 4_000, streamMessages: 5_000 });
  rows.push(...api.rows);
  results['api'] = api.results;

  const verify = await measureVerify(100_000, 3);
  rows.push({
    metric: 'verify, 100k-event chain',
    theater: `${Math.round(verify.verifyPerSecond)} events/s`,
    baseline: `${Math.round(verify.hashPerSecond)} SHA-256/s of the same encodings`,
    ratio: `${((verify.verifyPerSecond / verify.hashPerSecond) * 100).toFixed(0)}%`,
    target: '>= 200k events/s',
  });
  results['verify'] = verify;
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}

console.table(rows);
const out = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(out, { recursive: true });
const file = join(out, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ rows, ...results }, null, 2));
console.log(`results written to ${file}`);

/** Messages per second over `count` sends. */
async function sendRate(target: Actor, count: number): Promise<number> {
  const started = performance.now();
  await sendMany(target, count);
  return count / ((performance.now() - started) / 1000);
}

/** Sends `count` messages keeping up to `window` outstanding (under the default mailbox of 1024). */
function sendMany(target: Actor, count: number, window = 900): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const pump = (): void => {
      while (sent < count && sent - done < window) {
        sent++;
        target.send(MESSAGE).then(() => {
          done++;
          if (done === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
}
