/** Shared set-up for kernel tests: a temp Theater home and an actor system with the default handlers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultHandlers } from '@theater/handlers';
import { testActorManifest, type TestActorName } from '@theater/test-actors';
import { createActorSystem, loadManifest, type ActorSystem, type Clock, type Isolation, type Manifest } from '@theater/kernel';

export const text = (value: string): Uint8Array => new TextEncoder().encode(value);
export const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** A temp directory removed by `await using`. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-test-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Where a test system places actors whose manifest does not say: the system's default placement options. */
export interface Placement {
  readonly isolation?: Isolation;
  readonly schedulerWorkers?: number;
}

/**
 * The placements messaging and supervision scenarios run under: each actor in a worker of its own (spread), and the
 * actors packed into one shared scheduler worker (a child spawned while that worker is blocked in its supervisor's
 * host call goes to one more, as placement never loads into a blocked worker).
 */
export const PLACEMENTS = [
  ['dedicated workers', {}],
  ['one shared worker', { isolation: 'shared', schedulerWorkers: 1 }],
] as const satisfies readonly (readonly [string, Placement])[];

/** An actor system over a fresh temp home, closed (and the home removed) by `await using`. */
export async function testSystem(
  options: { poolSize?: number; clock?: Clock | (() => number) } & Placement = {},
): Promise<ActorSystem & { homeDir: string }> {
  const home = await tempDir();
  const system = createActorSystem({
    handlers: defaultHandlers(),
    home: home.path,
    poolSize: options.poolSize ?? 1,
    ...(options.isolation === undefined ? {} : { defaultIsolation: options.isolation }),
    ...(options.schedulerWorkers === undefined ? {} : { schedulerWorkers: options.schedulerWorkers }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const closeSystem = system.close;
  const close = async (): Promise<void> => {
    await closeSystem();
    await home[Symbol.asyncDispose]();
  };
  return Object.assign(system, { homeDir: home.path, close, [Symbol.asyncDispose]: close });
}

/** A test actor's manifest, with some fields replaced. */
export async function manifestOf(name: TestActorName, changes: Partial<Manifest> = {}): Promise<Manifest> {
  const manifest = await loadManifest(testActorManifest(name), { handlers: defaultHandlers() });
  return { ...manifest, ...changes };
}

/** The test-actors package directory: `manifests/` and the built components in `dist/`. */
export const testActorsDir = dirname(dirname(testActorManifest('overseer')));

/**
 * The overseer's manifest, with the test-actors directory as its own: a supervisor loads its children's manifests,
 * components and init_state files only from inside its own directory, which must then hold both `manifests/` and
 * `dist/`. Its children are `manifests/<name>.toml`, or inline TOML with `component = "dist/<name>.wasm"`.
 */
export async function overseerManifest(changes: Partial<Manifest> = {}): Promise<Manifest> {
  return manifestOf('overseer', { baseDir: testActorsDir, ...changes });
}
