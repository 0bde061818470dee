/**
 * Builds every test actor into `dist/<name>.wasm` with the SDK (two at a time: a componentize-js build takes
 * ~10 s and ~800 MB). Unchanged actors come straight from the SDK's build cache.
 *
 * Usage: `pnpm build:actors [name...]` (all by default).
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildActor, witPath, type BuiltActor, type WasiFeature } from '@theater/sdk';
import { isTestActorName, TEST_ACTORS, testActorComponent, type TestActorName } from './index.js';

interface ActorBuild {
  readonly entry: string;
  readonly world: string;
  /** Another WIT folder than the repository's `wit/`. */
  readonly witPath?: () => Promise<string>;
  /** WASI features componentize-js keeps (all are disabled otherwise). */
  readonly enableFeatures?: readonly WasiFeature[];
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

type ExtraWit = 'store-wit' | 'probe-wit' | 'capability-wit' | 'bells-wit';
const assembled = new Map<ExtraWit, Promise<string>>();

/**
 * The repository's WIT plus one of this package's extra world folders, assembled under `dist/` (a package is one
 * folder); once per run, since actors sharing a folder build concurrently.
 */
function witWith(extra: ExtraWit): Promise<string> {
  let dir = assembled.get(extra);
  if (dir === undefined) {
    dir = (async () => {
      const path = here(`./dist/wit-${extra}/`);
      await rm(path, { recursive: true, force: true });
      await mkdir(path, { recursive: true });
      await cp(witPath, path, { recursive: true });
      await cp(here(`./${extra}/`), path, { recursive: true });
      return path;
    })();
    assembled.set(extra, dir);
  }
  return dir;
}

const BUILDS: Readonly<Record<TestActorName, ActorBuild>> = {
  echo: { entry: 'actors/echo.ts', world: 'message-receiver-actor' },
  'init-error': { entry: 'actors/init-error.ts', world: 'minimal-actor' },
  trapper: { entry: 'actors/trapper.ts', world: 'message-receiver-actor' },
  'needs-store': { entry: 'actors/needs-store.ts', world: 'store-actor', witPath: () => witWith('store-wit') },
  'bad-export': { entry: 'actors/bad-export.wat', world: 'bad-export-actor', witPath: async () => here('./bad-wit/') },
  spinner: { entry: 'actors/spinner.ts', world: 'message-receiver-actor' },
  'memory-bomb': { entry: 'actors/memory-bomb.ts', world: 'message-receiver-actor' },
  small: { entry: 'actors/small.wat', world: 'message-receiver-actor' },
  pinger: { entry: 'actors/pinger.wat', world: 'message-server-actor' },
  bell: { entry: 'actors/bell.wat', world: 'bell-actor', witPath: () => witWith('bells-wit') },
  'wasi-stdio': { entry: 'actors/wasi-stdio.ts', world: 'minimal-actor', enableFeatures: ['stdio'] },
  messenger: { entry: 'actors/messenger.ts', world: 'message-server-actor' },
  overseer: { entry: 'actors/overseer.ts', world: 'supervisor-actor' },
  probe: { entry: 'actors/probe.ts', world: 'probe-actor', witPath: () => witWith('probe-wit') },
  keeper: { entry: 'actors/keeper.ts', world: 'keeper-actor', witPath: () => witWith('capability-wit') },
  filer: { entry: 'actors/filer.ts', world: 'filer-actor', witPath: () => witWith('capability-wit') },
  fetcher: { entry: 'actors/fetcher.ts', world: 'fetcher-actor', witPath: () => witWith('capability-wit') },
  spawner: { entry: 'actors/spawner.ts', world: 'spawner-actor', witPath: () => witWith('capability-wit') },
  webserver: { entry: 'actors/webserver.ts', world: 'webserver-actor', witPath: () => witWith('capability-wit') },
  notebook: { entry: 'actors/notebook.ts', world: 'supervisor-actor' },
};

const CONCURRENCY = 2;

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!isTestActorName(name)) throw new RangeError(`unknown test actor ${name}; expected one of ${TEST_ACTORS.join(', ')}`);
}
const names: TestActorName[] = requested.length > 0 ? requested.filter(isTestActorName) : [...TEST_ACTORS];

async function build(name: TestActorName): Promise<BuiltActor> {
  const spec = BUILDS[name];
  const wit = spec.witPath === undefined ? undefined : await spec.witPath();
  return buildActor({
    entry: here(`./${spec.entry}`),
    world: spec.world,
    outFile: testActorComponent(name),
    ...(wit === undefined ? {} : { witPath: wit }),
    ...(spec.enableFeatures === undefined ? {} : { enableFeatures: [...spec.enableFeatures] }),
  });
}

const started = performance.now();
const queue = [...names];
let failures = 0;
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        const built = await build(name);
        const how = built.cached ? 'cached' : 'built ';
        console.log(
          `${how} ${name.padEnd(12)} ${(built.bytes / 1024).toFixed(0).padStart(6)} KiB  ${(built.durationMs / 1000).toFixed(1).padStart(5)} s  ${built.hash.slice(0, 12)}`,
        );
      } catch (error) {
        failures += 1;
        console.error(`failed ${name}:`, error);
      }
    }
  }),
);
console.log(`${names.length - failures}/${names.length} test actors ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failures > 0) process.exitCode = 1;
