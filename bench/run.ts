/**
 * `pnpm bench`: what users run (the built packages under plain node), each figure measured in several rounds
 * beside its baseline from the same run. Prints a table and writes `bench/results/latest.json` (`{ rows }`, ids
 * stable across runs; see row.ts) and the raw figures to `bench/results/bench-<time>.json`.
 *
 * Environment: `THEATER_BENCH_ROUNDS` (default 5), `THEATER_BENCH_DENSITY` (idle small actors for density-small;
 * default 10,000), `THEATER_BENCH_ONLY` (comma-separated
 * sections: spawn, send, replay, messaging, js-messaging, http, density, api, verify, erlang).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActorSystem, loadManifest, type Actor, type Manifest } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { measureApi } from './apiBench.js';
import { bareInstantiate, bareTask } from './bareBaselines.js';
import { measureVerify } from './chainBench.js';
import { measureDensityApart } from './densityProcess.js';
import { erlangRows, measureErlang } from './erlangBench.js';
import { httpRows, measureHttp } from './httpBench.js';
import { requestRoundTrip, restartLatency, sendThroughput } from './messagingBench.js';
import { repoPath, testActorManifest } from './paths.js';
import { placed, type Isolation } from './placement.js';
import { benchRow, tableLine, type BenchRow } from './row.js';
import { median } from './stats.js';
import { measureWasmMessaging } from './wasmMessagingBench.js';

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return value;
};
const SECTIONS = ['spawn', 'send', 'replay', 'messaging', 'js-messaging', 'http', 'density', 'api', 'verify', 'erlang'] as const;
const only = (process.env['THEATER_BENCH_ONLY'] ?? '').split(',').filter((s) => s !== '');
for (const section of only) {
  if (!(SECTIONS as readonly string[]).includes(section))
    throw new RangeError(`THEATER_BENCH_ONLY: unknown section ${section}; expected ${SECTIONS.join(', ')}`);
}
const runs = (section: (typeof SECTIONS)[number]): boolean => only.length === 0 || only.includes(section);

const ROUNDS = envNumber('THEATER_BENCH_ROUNDS', 5);
const SPAWNS_PER_ROUND = 10;
const SEND_WARMUP = 5_000;
const SEND_COUNT = 10_000;
const REPLAY_MESSAGES = 10_000;
const REPLAY_ROUNDS = Math.min(ROUNDS, 3);
const LIVE_COUNTERS = 20;
/** Why a spawn can beat a bare instantiate: the pool's ready worker may have instantiated the component already. */
const PREPARED =
  "the warm pool instantiates the last spawned component ahead of time, so a timed spawn may include no instantiate; the baseline's async instantiate waits on the event loop and grows with machine load";

const home = await mkdtemp(join(tmpdir(), 'theater-bench-'));
// One scheduler worker: shared actors are placed on the least-loaded worker, so with more than one a pinger and its
// target could land apart and the same-worker rows would measure a cross-worker request.
const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 2, schedulerWorkers: 1 });
const DENSITY = envNumber('THEATER_BENCH_DENSITY', 10_000);
const rows: BenchRow[] = [];
const results: Record<string, unknown> = {};
const skipped: string[] = [];
const encoder = new TextEncoder();
/** One message buffer reused for every send, as the bare loop does (the kernel copies it on send). */
const MESSAGE = encoder.encode('x');
const section = (name: string): void => console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${name}`);

try {
  const counter = await loadManifest(repoPath('examples', 'counter', 'manifest.toml'), { handlers: system.handlers });
  const small = await loadManifest(testActorManifest('small'), { handlers: system.handlers });

  if (runs('spawn')) {
    section('spawn');
    // Spawn latency with a warm component cache and a warm pool: the p50 of each round of spawns.
    const spawnRound = async (manifest: Manifest): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < SPAWNS_PER_ROUND; i++) {
        await system.warm();
        const started = performance.now();
        const actor = await system.spawn(manifest);
        times.push(performance.now() - started);
        await actor.stop();
      }
      return median(times);
    };
    const spawns: Record<string, { spawnMs: number[]; bareMs: number[] }> = {};
    for (const [label, manifest, isolation] of [
      ['small', small, 'shared'],
      ['small-dedicated', small, 'dedicated'],
      ['counter', counter, 'dedicated'],
    ] as const) {
      const first = await system.spawn(placed(manifest, isolation)); // fills the caches
      await first.stop();
      const dir = join(system.home.cacheDir, 'components', first.componentHash);
      const spawnMs: number[] = [];
      const bareMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        spawnMs.push(await spawnRound(placed(manifest, isolation)));
        bareMs.push(median(await bareInstantiate(dir, SPAWNS_PER_ROUND)));
      }
      spawns[label] = { spawnMs, bareMs };
    }
    const spawnRow = (
      id: string,
      what: string,
      label: string,
      target: string,
      met: (v: number, b: number | null, r: number | null) => boolean,
      note?: string,
    ): BenchRow =>
      benchRow({
        id,
        metric: `spawn p50, ${what} (warm cache and pool; p50 of each round of ${SPAWNS_PER_ROUND})`,
        unit: 'ms',
        values: spawns[label]!.spawnMs,
        baselineValues: spawns[label]!.bareMs,
        baselineIs: 'bare instantiate of the cached component, ms',
        target,
        met,
        ...(note === undefined ? {} : { note }),
      });
    rows.push(
      spawnRow('spawn-small', 'small WAT actor, shared', 'small', 'p50 <= 1.0x baseline', (_v, _b, r) => r !== null && r <= 1, PREPARED),
      spawnRow('spawn-small-dedicated', 'small WAT actor, dedicated worker', 'small-dedicated', 'p50 <= 2 ms', (v) => v <= 2),
      spawnRow('spawn-counter', 'componentize-js counter, dedicated worker', 'counter', 'p50 <= 25 ms', (v) => v <= 25),
    );
    results['spawn'] = spawns;
  }

  if (runs('send')) {
    section('external send, chain on/off');
    // handle-send throughput of the counter from outside: chain persisted (the default) vs kept in memory
    // (save_chain = false), rounds interleaved so both see the same machine, beside a bare loop in one worker.
    const persisted = await system.spawn(counter);
    const inMemory = await system.spawn({ ...counter, saveChain: false });
    const dir = join(system.home.cacheDir, 'components', persisted.componentHash);
    await sendMany(persisted, SEND_WARMUP);
    await sendMany(inMemory, SEND_WARMUP);
    const chainOn: number[] = [];
    const chainOff: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      chainOn.push(await sendRate(persisted, SEND_COUNT));
      chainOff.push(await sendRate(inMemory, SEND_COUNT));
    }
    await Promise.all([persisted.stop(), inMemory.stop()]);
    const bare = await bareTask({ kind: 'send-loop', dir, warmup: SEND_WARMUP, count: SEND_COUNT, rounds: ROUNDS });
    rows.push(
      benchRow({
        id: 'external-send',
        metric: `external handle-send throughput, counter, chain persisted (${SEND_COUNT} per round, <= 900 in flight)`,
        unit: 'msg/s',
        values: chainOn,
        baselineValues: bare,
        baselineIs: 'bare handle-send loop in a worker, calls/s',
        target: '>= 85% of baseline',
        met: (_v, _b, r) => r !== null && r >= 0.85,
      }),
      benchRow({
        id: 'chain-overhead',
        metric: 'chain on vs off: counter handle-send, persisted (value) vs save_chain = false (baseline)',
        unit: 'msg/s',
        values: chainOn,
        baselineValues: chainOff,
        baselineIs: 'same actor, save_chain = false, msg/s',
        target: '<= 10% loss (ratio >= 0.90)',
        met: (_v, _b, r) => r !== null && r >= 0.9,
      }),
    );
    results['send'] = { chainOn, chainOff, bare };
  }

  if (runs('replay')) {
    section('replay');
    // Replay of 10k messages vs the run that recorded them (each sent and awaited, as a client does; pipelined for
    // comparison) and vs a bare guest loop doing the same calls in a fresh instance.
    const recorded = await system.spawn(counter);
    const runStarted = performance.now();
    for (let i = 0; i < REPLAY_MESSAGES; i++) await recorded.send(MESSAGE);
    const originalMs = performance.now() - runStarted;
    const dir = join(system.home.cacheDir, 'components', recorded.componentHash);
    await recorded.stop();
    const pipelined = await system.spawn(counter);
    const pipelinedStarted = performance.now();
    await sendMany(pipelined, REPLAY_MESSAGES);
    const pipelinedMs = performance.now() - pipelinedStarted;
    await pipelined.stop();
    const replayMs: number[] = [];
    const bareMs: number[] = [];
    for (let round = 0; round < REPLAY_ROUNDS; round++) {
      const replayed = await system.replay(recorded.id);
      if (!replayed.ok) throw new Error(`replay diverged: ${JSON.stringify(replayed.divergence)}`);
      replayMs.push(replayed.durationMs);
      bareMs.push(...(await bareTask({ kind: 'cold-loop', dir, count: REPLAY_MESSAGES })));
    }
    const replayMedian = median(replayMs);
    const bareMedian = median(bareMs);
    rows.push(
      benchRow({
        id: 'replay',
        metric: `replay, counter, ${REPLAY_MESSAGES / 1000}k messages (pipelined original: ${pipelinedMs.toFixed(0)} ms)`,
        unit: 'ms',
        values: replayMs,
        baselineValues: [originalMs],
        baselineIs: 'the original run, sent one by one, ms',
        target: '>= 5x faster (ratio <= 0.2) and <= 1.5x the bare guest loop',
        met: (_v, _b, r) => r !== null && r <= 0.2 && replayMedian <= 1.5 * bareMedian,
      }),
      benchRow({
        id: 'replay-vs-bare',
        metric: `replay, counter, ${REPLAY_MESSAGES / 1000}k messages, vs the bare guest loop`,
        unit: 'ms',
        values: replayMs,
        baselineValues: bareMs,
        baselineIs: 'instantiate + init + the same handle-sends in a fresh worker, ms',
        target: '<= 1.5x baseline',
        met: (_v, _b, r) => r !== null && r <= 1.5,
      }),
    );
    results['replay'] = { messages: REPLAY_MESSAGES, originalMs, pipelinedMs, replayMs, bareMs };
  }

  if (runs('messaging')) {
    section('actor-to-actor messaging, small WAT actors');
    const messaging = await measureWasmMessaging(system, {
      warmup: 3_000,
      rounds: ROUNDS,
      requests: 500,
      sends: 2_000,
      coldPairs: 3,
      coldRequests: 200,
      coldSends: 1_000,
      pairCounts: [1, 4, 16],
    });
    rows.push(...messaging.rows);
    results['messaging'] = messaging.results;
  }

  if (runs('js-messaging')) {
    section('actor-to-actor messaging, componentize-js actors; restarts');
    // componentize-js actors (messenger asks or tells in a loop; echo answers) and the restart of a failed child.
    const roundTrip = await requestRoundTrip(system, 4 * ROUNDS, 200);
    const sendRates: Record<number, { cold: number; steady: number[] }> = {};
    for (const pairs of [1, 4, 16]) sendRates[pairs] = await sendThroughput(system, pairs, 1_000, Math.min(ROUNDS, 3));
    const restarts = await restartLatency(system, 4 * ROUNDS);
    rows.push(
      benchRow({
        id: 'request-rt-componentize-js',
        metric: `request round trip messenger -> messenger, dedicated workers (each of ${4 * ROUNDS} bursts of 200)`,
        unit: 'µs',
        values: roundTrip.samples,
      }),
      ...[1, 4, 16].map((pairs) =>
        benchRow({
          id: `send-per-pair-componentize-js-${pairs}`,
          metric: `sends per pair messenger -> echo, ${pairs} pair${pairs === 1 ? '' : 's'}, dedicated workers, 1000 per burst after the first (cold: ${Math.round(sendRates[pairs]!.cold)} msg/s)`,
          unit: 'msg/s',
          values: sendRates[pairs]!.steady,
        }),
      ),
      benchRow({
        id: 'restart-latency',
        metric: 'restart latency of a failed child: trapper under an overseer, actor.failed to actor.started',
        unit: 'ms',
        values: restarts,
      }),
    );
    results['jsMessaging'] = { roundTrip, sendRates, restartMs: restarts };
  }

  if (runs('http')) {
    section('HTTP');
    // Serving HTTP through an actor (examples/http) vs a bare node:http server, same client, same run.
    const http = await measureHttp(system, { requests: 1_000, warmup: 500, concurrencies: [1, 32], rounds: Math.min(ROUNDS, 3) });
    rows.push(...httpRows(http));
    results['http'] = http;
  }

  if (runs('density')) {
    section(`density: ${DENSITY} idle small actors, ${LIVE_COUNTERS} counters`);
    const isolation: Isolation = 'shared';
    // Each in a fresh process of its own: see densityProcess.ts.
    const counterDensity = await measureDensityApart(repoPath('examples', 'counter', 'manifest.toml'), LIVE_COUNTERS);
    const smallDensity = await measureDensityApart(testActorManifest('small'), DENSITY);
    rows.push(
      benchRow({
        id: 'density-small',
        metric: `RSS per idle small WAT actor, ${DENSITY} actors after a first, ${isolation} (RSS ${smallDensity.beforeMb.toFixed(0)} -> ${smallDensity.afterMb.toFixed(0)} MB; the first: ${smallDensity.firstMb.toFixed(1)} MB)`,
        unit: 'MB',
        values: [smallDensity.perActorMb],
        target: '>= 10k small actors at <= 0.5 MB each',
        met: (value) => DENSITY >= 10_000 && value <= 0.5,
      }),
      benchRow({
        id: 'density-counter',
        metric: `RSS per idle componentize-js counter, ${LIVE_COUNTERS} actors after a first, ${isolation} (RSS ${counterDensity.beforeMb.toFixed(0)} -> ${counterDensity.afterMb.toFixed(0)} MB; the first, with its worker, compiled code and glue: ${counterDensity.firstMb.toFixed(1)} MB)`,
        unit: 'MB',
        values: [counterDensity.perActorMb],
        target: '<= 5 MB in a shared worker',
        met: (value) => value <= 5,
      }),
    );
    results['density'] = { isolation, small: { count: DENSITY, ...smallDensity }, counter: { count: LIVE_COUNTERS, ...counterDensity } };
  }

  if (runs('api')) {
    section('operator API');
    // The operator API, on its own server and home, beside in-process calls on that server's system.
    const api = await measureApi({ requests: 2_000, sends: 1_000, streamMessages: 5_000, rounds: Math.min(ROUNDS, 3) });
    rows.push(...api.rows);
    results['api'] = api.results;
  }

  if (runs('verify')) {
    section('verify');
    const verify = await measureVerify(100_000, ROUNDS);
    const perSecond = (values: readonly number[]): string => `${Math.round(median(values) / 1000)}k/s`;
    rows.push(
      benchRow({
        id: 'verify',
        metric: `verify, 100k-event chain read from a chain store (@noble/hashes alone: ${Math.round(median(verify.noblePerSecond))} hashes/s)`,
        unit: 'events/s',
        values: verify.verifyPerSecond,
        baselineValues: verify.hashPerSecond,
        baselineIs: 'raw SHA-256 (node:crypto, Buffer digest) of the same stored encodings, hashes/s',
        target: '>= 90% of baseline and >= 200k events/s',
        met: (value, _b, r) => r !== null && r >= 0.9 && value >= 200_000,
        note:
          `per CPU second; the events as read back (decoded) from a level chain store, verified in memory. Raw SHA-256 with ` +
          `a string digest (the fastest raw form): ${perSecond(verify.hashStringPerSecond)} ` +
          `(verify at ${Math.round((100 * median(verify.verifyPerSecond)) / median(verify.hashStringPerSecond))}% of it); ` +
          `the same events straight from createEvent (encoded again to be hashed): ${perSecond(verify.verifyCreatedPerSecond)}; ` +
          `see verify-store-read for the read included`,
      }),
      benchRow({
        id: 'verify-store-read',
        metric: 'verify while streaming the 100k-event chain from the store (what `theater chain verify` runs)',
        unit: 'events/s',
        values: verify.verifyStreamPerSecond,
        baselineValues: verify.hashPerSecond,
        baselineIs: 'raw SHA-256 (node:crypto, Buffer digest) of the same stored encodings, hashes/s',
      }),
    );
    results['verify'] = verify;
  }

  if (runs('erlang')) {
    section('Erlang/OTP reference');
    const erlang = await measureErlang(ROUNDS);
    if ('skipped' in erlang) {
      skipped.push(`Erlang/OTP reference rows: ${erlang.skipped}`);
    } else {
      const spawnMs = rawRounds('spawn-small');
      const requestUs = rawRounds('request-rt-same-worker');
      const sendsPerSecond = rawRounds('send-per-pair');
      if (spawnMs === undefined || requestUs === undefined || sendsPerSecond === undefined) {
        skipped.push('Erlang/OTP reference rows: they need the spawn and messaging sections in the same run');
      } else {
        rows.push(...erlangRows(erlang, { spawnMs, requestUs, sendsPerSecond }));
      }
      results['erlang'] = erlang;
    }
  }
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}

console.table(rows.map(tableLine));
for (const row of rows) if (row.note !== undefined) console.log(`note ${row.id}: ${row.note}`);
for (const reason of skipped) console.log(`skipped ${reason}`);
console.log(
  `ratio = value / baseline; ranges are min–max over the rounds (THEATER_BENCH_ROUNDS = ${ROUNDS}). CPUs: ${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}.`,
);
const out = repoPath('bench', 'results');
await mkdir(out, { recursive: true });
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg(),
  rounds: ROUNDS,
  skipped,
};
// A partial run (THEATER_BENCH_ONLY) does not replace the full run's latest.json.
const latest = join(out, only.length === 0 ? 'latest.json' : 'latest-partial.json');
await writeFile(latest, `${JSON.stringify({ ...meta, sections: only.length === 0 ? SECTIONS : only, rows }, null, 2)}\n`);
const file = join(out, `bench-${meta.date.replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify({ ...meta, rows, results }, null, 2)}\n`);
console.log(`results written to ${latest} and ${file}`);

/** The per-round figures behind a row, from `results` (the rows keep only the median and range). */
function rawRounds(id: string): readonly number[] | undefined {
  const spawn = results['spawn'] as Record<string, { spawnMs: number[] }> | undefined;
  const messaging = results['messaging'] as
    | { request: Record<Isolation, { steady: number[] }>; sends: Record<string, number[]> }
    | undefined;
  if (id === 'spawn-small') return spawn?.['small']?.spawnMs;
  if (id === 'request-rt-same-worker') return messaging?.request.shared.steady;
  if (id === 'send-per-pair') return messaging?.sends['1'];
  return undefined;
}

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
