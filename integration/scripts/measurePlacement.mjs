#!/usr/bin/env node
/**
 * Measures what placement costs and saves, on the built packages under plain node (build first:
 * `pnpm turbo run build --filter=@theater/kernel --filter=@theater/handlers`), each figure beside its baseline from
 * the same run:
 *
 *   node --expose-gc integration/scripts/measurePlacement.mjs density <dedicated|shared> <count> <small|echo>
 *   node --expose-gc integration/scripts/measurePlacement.mjs spawn
 *   node --expose-gc integration/scripts/measurePlacement.mjs request
 *
 * `density`: RSS per idle actor (one process per run, so runs do not share a heap). `spawn`: spawn p50/p99 of the
 * small WAT actor, dedicated and shared, beside a bare instantiate of the same cached component. `request`: a
 * messenger's requests to the small actor (mean of a run of them), in one shared worker and across two dedicated
 * workers. Prints one JSON line. Not a test: figures depend on the load.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, loadManifest } from '@theater/kernel';

const manifests = join(dirname(fileURLToPath(import.meta.url)), '../../test-actors/manifests');
const encoder = new TextEncoder();
const [mode = 'spawn', ...args] = process.argv.slice(2);

const median = (values) => percentile(values, 50);
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (value, digits = 3) => Number(value.toFixed(digits));

async function withSystem(options, run) {
  const home = await mkdtemp(join(tmpdir(), 'theater-measure-'));
  const system = createActorSystem({ handlers: defaultHandlers(), home, ...options });
  try {
    return await run(system);
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

const manifestOf = (system, name) => loadManifest(join(manifests, `${name}.toml`), { handlers: system.handlers });

async function density([isolation = 'shared', count = '1000', actor = 'small']) {
  return withSystem({ defaultIsolation: isolation }, async (system) => {
    const manifest = { ...(await manifestOf(system, actor)), saveChain: false };
    // Warm-up: component cache, glue, the shared workers themselves.
    const warm = await system.spawn(manifest);
    await warm.send(encoder.encode('x'));
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const live = [];
    for (let i = 0; i < Number(count); i++) live.push(await system.spawn(manifest));
    const spawnSeconds = (performance.now() - started) / 1000;
    await Promise.all(live.map((a) => a.send(encoder.encode('x'))));
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = process.memoryUsage().rss;
    return {
      mode: 'density',
      isolation,
      actor,
      count: Number(count),
      rssBeforeMb: round(before / 2 ** 20, 1),
      rssAfterMb: round(after / 2 ** 20, 1),
      mbPerActor: round((after - before) / Number(count) / 2 ** 20),
      spawnSeconds: round(spawnSeconds, 1),
    };
  });
}

/** Milliseconds of each of `count` bare instantiations of the cached component in `dir` (as bench/bareBaselines.ts). */
async function bareInstantiate(dir, count) {
  const { coreModules } = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
  const modules = {};
  for (const file of coreModules) modules[file] = await WebAssembly.compile(await readFile(join(dir, file)));
  const glue = await import(pathToFileURL(join(dir, 'actor.js')).href);
  const noOp = new Proxy({}, { get: () => () => {} });
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await glue.instantiate((file) => modules[file], new Proxy({}, { get: () => noOp }));
    times.push(performance.now() - started);
  }
  return times;
}

async function spawn() {
  const SPAWNS = 60;
  const out = { mode: 'spawn' };
  for (const isolation of ['dedicated', 'shared']) {
    await withSystem({ defaultIsolation: isolation }, async (system) => {
      const manifest = await manifestOf(system, 'small');
      const first = await system.spawn(manifest);
      await first.stop();
      const times = [];
      for (let i = 0; i < SPAWNS; i++) {
        await system.warm();
        const started = performance.now();
        const actor = await system.spawn(manifest);
        times.push(performance.now() - started);
        await actor.stop();
      }
      out[`${isolation}P50Ms`] = round(median(times));
      out[`${isolation}P99Ms`] = round(percentile(times, 99));
      if (isolation === 'shared') {
        const bare = await bareInstantiate(join(system.home.cacheDir, 'components', first.componentHash), SPAWNS);
        out.bareInstantiateP50Ms = round(median(bare));
      }
    });
  }
  return out;
}

async function request() {
  const N = 300;
  const out = { mode: 'request' };
  for (const [label, options] of [
    ['sameWorker', { defaultIsolation: 'shared', schedulerWorkers: 1 }],
    ['crossWorker', { defaultIsolation: 'dedicated' }],
  ]) {
    await withSystem(options, async (system) => {
      const messenger = await system.spawn(await manifestOf(system, 'messenger'));
      const small = await system.spawn(await manifestOf(system, 'small'));
      await messenger.request(encoder.encode(`askn 50 ${small.id} x`)); // warm-up
      const started = performance.now();
      await messenger.request(encoder.encode(`askn ${N} ${small.id} x`));
      out[`${label}MeanUs`] = round(((performance.now() - started) * 1000) / N, 1);
    });
  }
  return out;
}

const modes = { density, spawn, request };
const run = modes[mode];
if (run === undefined) throw new Error(`unknown mode ${mode}: one of ${Object.keys(modes).join(', ')}`);
console.log(JSON.stringify(await run(args)));
process.exit(0);
