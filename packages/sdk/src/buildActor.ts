/** Builds an actor (TypeScript, JavaScript or WAT) into a WebAssembly component, cached by content hash. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { exportName, type ActorWorld } from './actorWorld.js';
import { bundleActor, bundleDefaultExport, type ActorBundle } from './internal/bundle.js';
import { cachedComponentPath, defaultCacheDir, readCachedComponent, writeFileAtomic } from './internal/buildCache.js';
import { componentizeInChild } from './internal/componentize.js';
import { sha256Hex, sha256OfJson } from './internal/hash.js';
import { DERIVED_WORLD_NAME, derivedWorldFile, resolveDerivedWorld, writeWitFolder } from './internal/derivedWit.js';
import { componentFromWat, coreExports } from './internal/jcoTools.js';
import { typecheckActor } from './internal/typecheck.js';
import { worldInterfaces, type WorldInterfaces } from './internal/worldInterfaces.js';
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
  /**
   * The world the component implements: a world declared in the WIT at `witPath` (e.g. `message-receiver-actor`), or
   * a {@link DerivedWorld} listing the interfaces it imports and exports (what `theater build` derives from a manifest).
   */
  readonly world: ActorWorld;
  /** Where to write the component; by default the result points into the cache. */
  readonly outFile?: string;
  /** Build cache folder; default `$THEATER_HOME/cache/builds` (`THEATER_HOME` defaults to `~/.theater`). */
  readonly cacheDir?: string;
  /** WIT file or folder holding `world`; default the `theater:simple` package ({@link witPath}). */
  readonly witPath?: string;
  /** WASI features to keep in a JS actor (each adds WASI imports the kernel must grant); default none. */
  readonly enableFeatures?: readonly WasiFeature[];
  /** Type-check a TypeScript entry with tsc before building (`type-check-failed` on errors); default false. */
  readonly typecheck?: boolean;
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
  /** The world built against: its name (`theater-actor` when derived), and the interfaces it imports and exports. */
  readonly world: { readonly name: string } & WorldInterfaces;
  /** True when the entry was type-checked (`typecheck` asked for it and the entry is TypeScript). */
  readonly typechecked: boolean;
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
const CACHE_FORMAT = 2;

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
  assertWorldOption(options.world);
  const features = normaliseFeatures(options.enableFeatures ?? []);
  const witPath = resolve(options.witPath ?? defaultWitPath);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());

  await assertEntryExists(entry);
  // Before the cache lookup: the cache key is the bundle, from which esbuild has stripped the types.
  const typechecked = options.typecheck === true && /\.m?ts$/iu.test(entry);
  if (typechecked) typecheckActor(entry);
  const witFiles = await readWit(witPath);
  const target = await prepareSource(entry, kind, options.world, witPath, witFiles);

  const key = sha256OfJson({
    format: CACHE_FORMAT,
    kind,
    world: target.world.name,
    enableFeatures: features,
    toolchain: {
      componentizeJs: packageVersion('@bytecodealliance/componentize-js'),
      jco: packageVersion('@bytecodealliance/jco'),
    },
    wit: target.witFiles.map((file) => [file.path, file.text]),
    source: target.source,
  });
  const cacheFile = cachedComponentPath(cacheDir, key);

  let component = await readCachedComponent(cacheFile);
  const cached = component !== undefined;
  if (component === undefined) {
    component = await withWitFolder(target, witPath, (folder) =>
      kind === 'wat'
        ? componentFromWat(target.source, folder, target.world.name, entry)
        : componentizeSource(target.source, folder, target.world.name, features),
    );
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
    world: target.world,
    typechecked,
  };
}

/** What gets built: the source (bundled JavaScript or WAT), the world it is built against, and the WIT holding it. */
interface BuildTarget {
  readonly source: string;
  readonly world: { readonly name: string } & WorldInterfaces;
  readonly witFiles: readonly WitFile[];
  /** True when the world is derived, so its WIT must be written out with the generated world file. */
  readonly derived: boolean;
}

async function prepareSource(
  entry: string,
  kind: EntryKind,
  world: ActorWorld,
  witPath: string,
  witFiles: WitFile[],
): Promise<BuildTarget> {
  if (kind === 'wat') {
    const source = await readFile(entry, 'utf8');
    if (typeof world === 'string')
      return { source, world: { name: world, ...(await worldInterfaces(witPath, world)) }, witFiles, derived: false };
    // A core module implements an optional interface when it exports its functions (`theater:simple/x#f`).
    const exported = await coreExports(source, entry);
    return derivedTarget(
      source,
      resolveDerivedWorld(world, (iface) => exported.some((name) => name.startsWith(`${iface}#`))),
      witFiles,
    );
  }
  const bundle = await bundleActor(entry);
  // `export default defineActor({...})`: componentize-js looks for named exports, so re-export the world's.
  const definedActor = bundle.exports.includes('default') && !bundle.exports.includes('actor');
  if (typeof world === 'string') {
    const interfaces = await worldInterfaces(witPath, world);
    const final = definedActor ? await bundleDefaultExport(entry, interfaces.exports.map(exportName)) : bundle;
    assertImportsInWorld(final, interfaces, `world ${world}`);
    return { source: final.code, world: { name: world, ...interfaces }, witFiles, derived: false };
  }
  const resolved = resolveDerivedWorld(world, (iface) => definedActor || bundle.exports.includes(exportName(iface)));
  const final = definedActor ? await bundleDefaultExport(entry, resolved.exports.map(exportName)) : bundle;
  assertImportsInWorld(final, resolved, 'the granted capabilities');
  return derivedTarget(final.code, resolved, witFiles);
}

function derivedTarget(source: string, world: WorldInterfaces, witFiles: readonly WitFile[]): BuildTarget {
  const worldFile = derivedWorldFile(world, witFiles);
  return { source, world: { name: DERIVED_WORLD_NAME, ...world }, witFiles: [...witFiles, worldFile], derived: true };
}

/**
 * Refuses a bundle that imports an interface its world does not: componentize-js would fail with only
 * `Error loading module "theater:simple/timing"`. The error lists each interface with the files importing it.
 */
function assertImportsInWorld(bundle: ActorBundle, world: WorldInterfaces, what: string): void {
  const missing = [...bundle.imports].filter(([iface]) => !world.imports.includes(iface));
  if (missing.length === 0) return;
  throw new SdkError(
    'import-not-in-world',
    `${missing.map(([iface, files]) => `${files.join(', ')} imports ${iface}`).join('; ')}, which ${what} do${what.startsWith('world') ? 'es' : ''} not import`,
    { interfaces: missing.map(([iface]) => iface) },
  );
}

/** Runs `build` with a WIT folder holding the target's world: `witPath` itself, or a temporary copy with the derived world. */
async function withWitFolder<T>(target: BuildTarget, witPath: string, build: (folder: string) => Promise<T>): Promise<T> {
  if (!target.derived) return build(witPath);
  const folder = await writeWitFolder(target.witFiles);
  try {
    return await build(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function assertWorldOption(world: ActorWorld): void {
  if (typeof world === 'string') {
    if (world === '') throw new TypeError('expected a non-empty world name, got ""');
    return;
  }
  if (typeof world !== 'object' || world === null || !Array.isArray(world.imports) || !Array.isArray(world.exports)) {
    throw new TypeError(`expected a world name or { imports, exports }, got ${JSON.stringify(world)}`);
  }
  for (const name of [...world.imports, ...world.exports, ...(world.optionalExports ?? [])]) {
    if (typeof name !== 'string' || !/^(?:[a-z0-9-]+:[a-z0-9-]+\/)?[a-z0-9-]+$/u.test(name)) {
      throw new TypeError(`expected WIT interface names such as runtime or theater:simple/runtime, got ${JSON.stringify(name)}`);
    }
  }
}

async function componentizeSource(source: string, witPath: string, world: string, features: readonly WasiFeature[]): Promise<Uint8Array> {
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
