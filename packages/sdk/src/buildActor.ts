/** Builds an actor (TypeScript, JavaScript or WAT) into a WebAssembly component, cached by content hash. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { bundleActor } from './internal/bundle.js';
import { cachedComponentPath, defaultCacheDir, readCachedComponent, writeFileAtomic } from './internal/buildCache.js';
import { componentizeInChild } from './internal/componentize.js';
import { sha256Hex, sha256OfJson } from './internal/hash.js';
import { assertWorldExists, componentFromWat } from './internal/jcoTools.js';
import { packageVersion } from './internal/packageVersion.js';
import { readWitFiles, type WitFile } from './internal/witFiles.js';
import { SdkError } from './sdkError.js';
import { witPath as defaultWitPath } from './witPath.js';

/** A WASI feature of the componentize-js engine; each one enabled adds WASI imports to the component. */
export type WasiFeature = 'stdio' | 'random' | 'clocks' | 'http' | 'fetch-event';

/** Every WASI feature componentize-js knows; all are disabled unless listed in `enableFeatures`. */
export const WASI_FEATURES: readonly WasiFeature[] = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

/** What to build and where. */
export interface BuildActorOptions {
  /** The actor's source: a `.ts`/`.js` module (bundled, then componentized) or a `.wat` core module. */
  readonly entry: string;
  /** The WIT world the component implements, e.g. `message-receiver-actor`. */
  readonly world: string;
  /** Where to write the component; by default the result points into the cache. */
  readonly outFile?: string;
  /** Build cache folder; default `$THEATER_HOME/cache/builds` (`THEATER_HOME` defaults to `~/.theater`). */
  readonly cacheDir?: string;
  /** WIT file or folder holding `world`; default the `theater:simple` package ({@link witPath}). */
  readonly witPath?: string;
  /** WASI features to keep in a JS actor (each adds WASI imports the kernel must grant); default none. */
  readonly enableFeatures?: readonly WasiFeature[];
}

/** The built component. */
export interface BuiltActor {
  /** Absolute path of the component: `outFile`, or the cache entry when no `outFile` was given. */
  readonly path: string;
  /** SHA-256 (hex) of the component bytes: the component's identity in the kernel's cache and in chains. */
  readonly hash: string;
  /** Size of the component in bytes. */
  readonly bytes: number;
  /** True when the component came from the build cache instead of being built. */
  readonly cached: boolean;
  /** Wall-clock time `buildActor` took, in milliseconds. */
  readonly durationMs: number;
}

type EntryKind = 'js' | 'wat';

const ENTRY_KINDS: Readonly<Record<string, EntryKind>> = {
  '.ts': 'js',
  '.mts': 'js',
  '.js': 'js',
  '.mjs': 'js',
  '.wat': 'wat',
};

/** Bumped whenever the way a build is derived from its inputs changes, so old cache entries stop matching. */
const CACHE_FORMAT = 1;

/**
 * Builds an actor into a component. TypeScript/JavaScript entries are bundled with esbuild (`theater:simple/*`
 * stays external) and componentized with componentize-js in a child process; WAT entries go through jco
 * (parse, embed the world, componentNew). Builds are cached by a hash of the bundled source or WAT, the world, every
 * `.wit` file, the enabled features and the toolchain versions.
 *
 * @example
 * const built = await buildActor({ entry: 'src/counter.ts', world: 'message-receiver-actor', outFile: 'dist/counter.wasm' });
 * console.log(built.path, built.hash, built.cached);
 */
export async function buildActor(options: BuildActorOptions): Promise<BuiltActor> {
  const started = performance.now();
  const entry = resolve(options.entry);
  const kind = ENTRY_KINDS[extname(entry).toLowerCase()];
  if (kind === undefined) {
    throw new TypeError(`expected an entry ending in ${Object.keys(ENTRY_KINDS).join(', ')}, got ${options.entry}`);
  }
  if (typeof options.world !== 'string' || options.world === '') {
    throw new TypeError(`expected a non-empty world name, got ${JSON.stringify(options.world)}`);
  }
  const features = normaliseFeatures(options.enableFeatures ?? []);
  const witPath = resolve(options.witPath ?? defaultWitPath);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());

  await assertEntryExists(entry);
  const witFiles = await readWit(witPath);
  const source = kind === 'wat' ? await readFile(entry, 'utf8') : await bundleActor(entry);

  const key = sha256OfJson({
    format: CACHE_FORMAT,
    kind,
    world: options.world,
    enableFeatures: features,
    toolchain: {
      componentizeJs: packageVersion('@bytecodealliance/componentize-js'),
      jco: packageVersion('@bytecodealliance/jco'),
    },
    wit: witFiles.map((file) => [file.path, file.text]),
    source,
  });
  const cacheFile = cachedComponentPath(cacheDir, key);

  let component = await readCachedComponent(cacheFile);
  const cached = component !== undefined;
  if (component === undefined) {
    await assertWorldExists(witPath, options.world);
    component =
      kind === 'wat'
        ? await componentFromWat(source, witPath, options.world, entry)
        : await componentizeSource(source, witPath, options.world, features);
    await writeFileAtomic(cacheFile, component);
  }

  let path = cacheFile;
  if (options.outFile !== undefined) {
    path = resolve(options.outFile);
    await writeFileAtomic(path, component);
  }

  return {
    path,
    hash: sha256Hex(component),
    bytes: component.byteLength,
    cached,
    durationMs: performance.now() - started,
  };
}

async function componentizeSource(
  source: string,
  witPath: string,
  world: string,
  features: readonly WasiFeature[],
): Promise<Uint8Array> {
  const workDir = await mkdtemp(join(tmpdir(), 'theater-build-'));
  try {
    const sourcePath = join(workDir, 'actor.js');
    await writeFile(sourcePath, source);
    return await componentizeInChild({
      sourcePath,
      witPath,
      worldName: world,
      disableFeatures: WASI_FEATURES.filter((feature) => !features.includes(feature)),
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function normaliseFeatures(features: readonly WasiFeature[]): WasiFeature[] {
  for (const feature of features) {
    if (!WASI_FEATURES.includes(feature)) {
      throw new RangeError(`expected WASI features among ${WASI_FEATURES.join(', ')}, got ${JSON.stringify(feature)}`);
    }
  }
  return WASI_FEATURES.filter((feature) => features.includes(feature));
}

async function assertEntryExists(entry: string): Promise<void> {
  let cause: unknown;
  const isFile = await stat(entry).then(
    (stats) => stats.isFile(),
    (error: unknown) => {
      cause = error;
      return false;
    },
  );
  if (!isFile) throw new SdkError('entry-not-found', `no actor source file at ${entry}`, { cause });
}

async function readWit(witPath: string): Promise<WitFile[]> {
  let files: WitFile[];
  try {
    files = await readWitFiles(witPath);
  } catch (error) {
    throw new SdkError('invalid-wit', `cannot read the WIT at ${witPath}`, { cause: error });
  }
  if (files.length === 0) throw new SdkError('invalid-wit', `no .wit files in ${witPath}`);
  return files;
}
