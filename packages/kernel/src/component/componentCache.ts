/**
 * Loads components by the SHA-256 of their bytes. The first load transpiles with jco and writes the result under
 * `<cacheDir>/components/<hash>/`; later loads (in any process) read it back; compiled core modules are kept in
 * memory per process, one set per memory cap.
 */
import { transpile } from '@bytecodealliance/jco';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KernelError } from '../kernelError.js';
import { readRegularFile } from '../files/readRegularFile.js';
import { capModuleMemory } from './memoryCap.js';
import { interfaceFilesOf, parseInterfaceDeclarations, type InterfaceDeclarations } from './interfaceDeclarations.js';

/** Bumped whenever the cached layout or the glue generator changes. */
const CACHE_FORMAT = 'jco-1.35.0-async-v2';
const GLUE_NAME = 'actor';
const COMPONENT_PREAMBLE = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);

/** A transpiled component, ready to be compiled and instantiated. */

/**
 * Compiled core modules by file name. Each is a `WebAssembly.Module`, typed `object` in the kernel's declarations so a
 * consumer type-checking them (skipLibCheck false) needs no DOM lib: Node's own types do not declare `WebAssembly`.
 */
export type CompiledModules = Readonly<Record<string, object>>;

export interface LoadedComponent {
  /** SHA-256 of the component's bytes, in hex. */
  readonly hash: string;
  /** The ES module with jco's glue. */
  readonly gluePath: string;
  /** Interfaces the component imports (with functions). */
  readonly imports: readonly string[];
  /** Interfaces the component exports. */
  readonly exports: readonly string[];
  /** jco's declarations of every interface the component uses, by interface name. */
  readonly declarations: Readonly<Record<string, InterfaceDeclarations>>;
  /** File names of the core modules, relative to the glue. */
  readonly coreModules: readonly string[];
}

interface CacheMetadata extends Omit<LoadedComponent, 'gluePath'> {
  readonly format: string;
}

/** How a load was served. */
export type CacheOutcome = 'memory' | 'disk' | 'transpiled';

/** The component cache of one actor system. */
export class ComponentCache {
  readonly #dir: string;
  readonly #byHash = new Map<string, LoadedComponent>();
  readonly #hashByFile = new Map<string, { mtimeMs: number; size: number; hash: string }>();
  readonly #compiled = new Map<string, Promise<CompiledModules>>();
  readonly #loading = new Map<string, Promise<LoadedComponent>>();

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'components');
  }

  /** Loads the component at `path`, transpiling it only if no cache holds it. */
  async load(path: string): Promise<{ component: LoadedComponent; outcome: CacheOutcome; transpileMs: number }> {
    const info = await stat(path).catch((cause: unknown) => {
      throw new KernelError('component-not-found', `component: ${path} does not exist`, { cause });
    });
    const known = this.#hashByFile.get(path);
    let hash = known !== undefined && known.mtimeMs === info.mtimeMs && known.size === info.size ? known.hash : undefined;
    let bytes: Uint8Array | undefined;
    if (hash === undefined) {
      bytes = await readComponent(path);
      hash = bytesToHex(sha256(bytes));
      this.#hashByFile.set(path, { mtimeMs: info.mtimeMs, size: info.size, hash });
    }
    const inMemory = this.#byHash.get(hash);
    if (inMemory !== undefined) return { component: inMemory, outcome: 'memory', transpileMs: 0 };

    const fromDisk = await this.#readMetadata(hash);
    if (fromDisk !== undefined) {
      this.#byHash.set(hash, fromDisk);
      return { component: fromDisk, outcome: 'disk', transpileMs: 0 };
    }
    const started = performance.now();
    let pending = this.#loading.get(hash);
    if (pending === undefined) {
      pending = this.#transpile(hash, bytes ?? (await readComponent(path)), path);
      this.#loading.set(hash, pending);
      pending.finally(() => this.#loading.delete(hash)).catch(() => {});
    }
    const component = await pending;
    this.#byHash.set(hash, component);
    return { component, outcome: 'transpiled', transpileMs: performance.now() - started };
  }

  /** Loads a component this cache has seen, by its hash (in memory, else on disk); `component-not-found` if neither. */
  async loadByHash(hash: string): Promise<LoadedComponent> {
    // The hash may come from a chain file: it names a directory, so it must be exactly a hash.
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new KernelError('component-not-found', `${JSON.stringify(hash)} is not a component hash`);
    const component = this.#byHash.get(hash) ?? (await this.#readMetadata(hash));
    if (component === undefined) {
      throw new KernelError('component-not-found', `component ${hash} is not in the component cache (${this.#dir}); give its path`);
    }
    this.#byHash.set(hash, component);
    return component;
  }

  /** The component's core modules compiled with linear memory capped at `memoryMb`, compiled once per process. */
  compile(component: LoadedComponent, memoryMb: number): Promise<CompiledModules> {
    const key = `${component.hash}:${memoryMb}`;
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      compiled = this.#compileModules(component, memoryMb);
      this.#compiled.set(key, compiled);
      compiled.catch(() => this.#compiled.delete(key));
    }
    return compiled;
  }

  async #compileModules(component: LoadedComponent, memoryMb: number): Promise<CompiledModules> {
    const dir = dirname(component.gluePath);
    const entries = await Promise.all(
      component.coreModules.map(async (file) => {
        const capped = capModuleMemory(new Uint8Array(await readFile(join(dir, file))), memoryMb * 2 ** 20);
        try {
          return [file, await WebAssembly.compile(capped)] as const;
        } catch (cause) {
          throw new KernelError('invalid-component', `core module ${file} does not compile: ${String(cause)}`, { cause });
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  async #readMetadata(hash: string): Promise<LoadedComponent | undefined> {
    const dir = join(this.#dir, hash);
    try {
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as CacheMetadata;
      if (meta.format !== CACHE_FORMAT || meta.hash !== hash) return undefined;
      // A damaged entry (a file gone) is treated as absent, and replaced.
      await Promise.all([`${GLUE_NAME}.js`, ...meta.coreModules].map((file) => stat(join(dir, file))));
      const { format: _format, ...component } = meta;
      return { ...component, gluePath: join(dir, `${GLUE_NAME}.js`) };
    } catch {
      return undefined;
    }
  }

  async #transpile(hash: string, bytes: Uint8Array, path: string): Promise<LoadedComponent> {
    if (!startsWith(bytes, COMPONENT_PREAMBLE)) {
      const what = startsWith(bytes, COMPONENT_PREAMBLE.subarray(0, 4)) ? 'a core module, not a component' : 'not WebAssembly';
      throw new KernelError('invalid-component', `${path} is ${what}`);
    }
    let output: Awaited<ReturnType<typeof transpile>>;
    try {
      output = await transpile(bytes, { name: GLUE_NAME, instantiation: 'async', quiet: true });
    } catch (cause) {
      throw new KernelError('invalid-component', `${path} is not a valid component: ${String(cause)}`, { cause });
    }
    const decode = (file: string | undefined): string =>
      file === undefined || output.files[file] === undefined ? '' : new TextDecoder().decode(output.files[file]);
    const declarations: Record<string, InterfaceDeclarations> = {};
    for (const [name, file] of interfaceFilesOf(decode(`${GLUE_NAME}.d.ts`))) {
      declarations[name] = parseInterfaceDeclarations(decode(file));
    }
    const meta: CacheMetadata = {
      format: CACHE_FORMAT,
      hash,
      imports: output.imports,
      exports: output.exports.filter(([name]) => name.includes(':')).map(([name]) => name),
      declarations,
      coreModules: Object.keys(output.files).filter((file) => file.endsWith('.wasm')),
    };

    // Write into a private directory, then rename: readers never see a half-written entry.
    const dir = join(this.#dir, hash);
    const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await mkdir(staging, { recursive: true });
    try {
      await writeFile(join(staging, 'package.json'), '{ "type": "module" }\n');
      for (const file of meta.coreModules) {
        const content = output.files[file];
        if (content !== undefined) await writeFile(join(staging, file), content);
      }
      await writeFile(join(staging, `${GLUE_NAME}.js`), withoutDebugLogging(decode(`${GLUE_NAME}.js`)));
      await writeFile(join(staging, 'meta.json'), JSON.stringify(meta));
      await rename(staging, dir).catch(async () => {
        // Another process cached the same component first: theirs is as good as ours. Anything else there is
        // stale (an older cache format, or damaged): replace it.
        if ((await this.#readMetadata(hash)) !== undefined) return;
        await rm(dir, { recursive: true, force: true });
        await rename(staging, dir);
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const { format: _format, ...component } = meta;
    return { ...component, gluePath: join(dir, `${GLUE_NAME}.js`) };
  }
}

/**
 * The largest component file loaded. componentize-js components are about 12 MB; the limit leaves room for much
 * bigger ones while keeping a wrong path (a disk image, `/dev/zero`) from filling memory.
 */
export const MAX_COMPONENT_BYTES = 256 * 2 ** 20;

/** The component file's bytes; a KernelError naming the `component` field and the path otherwise. */
async function readComponent(path: string): Promise<Uint8Array> {
  const read = await readRegularFile(path, MAX_COMPONENT_BYTES);
  if (read.ok) return read.bytes;
  const code =
    read.problem === 'missing' ? 'component-not-found' : read.problem === 'too-large' ? 'component-too-large' : 'invalid-component';
  throw new KernelError(code, `component: ${path} ${read.detail}`, { cause: read.cause });
}

/**
 * jco's glue reads `process.env.JCO_DEBUG` on every call (measured at ~6% of a componentize-js actor's time).
 * Sandbox workers run with an empty environment, so the check is always false: drop it.
 */
function withoutDebugLogging(glue: string): string {
  return glue.replace('if (!globalThis?.process?.env?.JCO_DEBUG) { return; }', 'return;');
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
