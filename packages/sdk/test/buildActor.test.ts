import { transpile } from '@bytecodealliance/jco';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActor, isSdkError, SdkError, witPath, type SdkErrorCode } from '../src/index.js';

/**
 * A minimal-actor core module: init logs the actor id through `theater:simple/runtime#log` and returns `ok(none)`.
 * The result lives at offset 16: discriminant (0 = ok) at +0, the state option's discriminant (0 = none) at +4.
 */
const MINIMAL_ACTOR_WAT = `(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $bump))
    (global.set $bump (i32.add (local.get $ptr) (local.get 3)))
    (local.get $ptr))
  (func (export "theater:simple/actor#init") (param i32 i32 i32 i32 i32) (result i32)
    (call $log (local.get 3) (local.get 4))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store8 (i32.const 20) (i32.const 0))
    (i32.const 16))
  (func (export "cabi_post_theater:simple/actor#init") (param i32)
    (global.set $bump (i32.const 1024))))
`;

let dir: string;
let watEntry: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'theater-sdk-test-'));
  watEntry = join(dir, 'minimal.wat');
  await writeFile(watEntry, MINIMAL_ACTOR_WAT);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectSdkError(promise: Promise<unknown>, code: SdkErrorCode): Promise<SdkError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SdkError);
  if (!isSdkError(error)) throw new Error('unreachable');
  expect(error.code).toBe(code);
  return error;
}

describe('buildActor', () => {
  it('builds a WAT actor into a component that jco transpiles with the world imports and exports', async () => {
    const outFile = join(dir, 'out', 'minimal.wasm');
    const built = await buildActor({ entry: watEntry, world: 'minimal-actor', outFile, cacheDir: join(dir, 'cache') });

    expect(built.path).toBe(outFile);
    expect(built.cached).toBe(false);
    const bytes = new Uint8Array(await readFile(outFile));
    expect(built.bytes).toBe(bytes.byteLength);
    expect(built.hash).toBe(bytesToHex(sha256(bytes)));
    expect(built.durationMs).toBeGreaterThan(0);

    const { files, imports, exports } = await transpile(bytes, { name: 'actor', instantiation: 'async' });
    expect(imports).toEqual(['theater:simple/runtime']);
    expect(exports.map(([name]) => name)).toContain('theater:simple/actor');

    const glueDir = join(dir, 'glue');
    await mkdir(glueDir, { recursive: true });
    await writeFile(join(glueDir, 'package.json'), '{"type":"module"}');
    for (const [name, content] of Object.entries(files)) {
      if (!name.endsWith('.d.ts')) await writeFile(join(glueDir, name), content);
    }
    const glue = (await import(pathToFileURL(join(glueDir, 'actor.js')).href)) as {
      instantiate: (
        getCoreModule: (path: string) => Promise<WebAssembly.Module>,
        imports: Record<string, Record<string, unknown>>,
      ) => Promise<{ actor: { init: (state: Uint8Array | undefined, params: [string]) => [Uint8Array | undefined] } }>;
    };
    const logs: string[] = [];
    const instance = await glue.instantiate(async (path) => new WebAssembly.Module(new Uint8Array(files[path] ?? [])), {
      'theater:simple/runtime': { log: (message: string) => logs.push(message) },
    });
    expect(instance.actor.init(undefined, ['actor-1'])).toEqual([undefined]);
    expect(logs).toEqual(['actor-1']);
  });

  it('serves a second build of the same inputs from the cache', async () => {
    const cacheDir = join(dir, 'cache-twice');
    const first = await buildActor({ entry: watEntry, world: 'minimal-actor', cacheDir });
    const second = await buildActor({ entry: watEntry, world: 'minimal-actor', cacheDir, outFile: join(dir, 'copy.wasm') });

    expect(first.cached).toBe(false);
    expect(first.path.startsWith(cacheDir)).toBe(true);
    expect(second.cached).toBe(true);
    expect(second.hash).toBe(first.hash);
    expect(second.bytes).toBe(first.bytes);
    expect(await readFile(second.path)).toEqual(await readFile(first.path));
  });

  it('rebuilds when a WIT file changes', async () => {
    const cacheDir = join(dir, 'cache-wit');
    const wit = join(dir, 'wit-copy');
    await cp(witPath, wit, { recursive: true });
    const before = await buildActor({ entry: watEntry, world: 'minimal-actor', cacheDir, witPath: wit });
    await writeFile(join(wit, 'runtime.wit'), `${await readFile(join(wit, 'runtime.wit'), 'utf8')}\n/// A comment.\n`);
    const after = await buildActor({ entry: watEntry, world: 'minimal-actor', cacheDir, witPath: wit });

    expect(before.cached).toBe(false);
    expect(after.cached).toBe(false);
  });

  it('rejects a world the WIT does not declare with unknown-world', async () => {
    const error = await expectSdkError(
      buildActor({ entry: watEntry, world: 'no-such-world', cacheDir: join(dir, 'cache') }),
      'unknown-world',
    );
    expect(error.message).toContain('no-such-world');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects a missing entry with entry-not-found', async () => {
    const entry = join(dir, 'missing.ts');
    const error = await expectSdkError(buildActor({ entry, world: 'minimal-actor', cacheDir: join(dir, 'cache') }), 'entry-not-found');
    expect(error.message).toContain(entry);
  });

  it('reports a TypeScript syntax error as bundle-failed', async () => {
    const entry = join(dir, 'broken.ts');
    await writeFile(entry, 'export const actor = { init(state) { return [state] ;\n');
    const error = await expectSdkError(buildActor({ entry, world: 'minimal-actor', cacheDir: join(dir, 'cache') }), 'bundle-failed');
    expect(error.message).toContain('broken.ts');
  });

  it('reports a core module that does not implement the world as componentize-failed', async () => {
    const entry = join(dir, 'empty.wat');
    await writeFile(entry, '(module (memory (export "memory") 1))');
    await expectSdkError(buildActor({ entry, world: 'message-server-actor', cacheDir: join(dir, 'cache') }), 'componentize-failed');
  });

  it('rejects an entry that is neither TypeScript, JavaScript nor WAT with a TypeError', async () => {
    await expect(buildActor({ entry: join(dir, 'actor.py'), world: 'minimal-actor' })).rejects.toThrow(TypeError);
  });

  it('builds against a world derived from interface lists, importing only what the code uses', async () => {
    const built = await buildActor({
      entry: watEntry,
      world: { imports: ['runtime', 'theater:simple/timing'], exports: [] },
      cacheDir: join(dir, 'cache'),
    });
    expect(built.world).toEqual({
      name: 'theater-actor',
      imports: ['theater:simple/runtime', 'theater:simple/timing'],
      exports: ['theater:simple/actor'],
    });
    const { imports, exports } = await transpile(new Uint8Array(await readFile(built.path)), { name: 'actor', instantiation: 'async' });
    expect(imports).toEqual(['theater:simple/runtime']);
    expect(exports.map(([name]) => name).filter((name) => name.includes(':'))).toEqual(['theater:simple/actor']);
  });

  it('keeps a derived world apart in the cache from a named world with the same interfaces', async () => {
    const cacheDir = join(dir, 'cache-derived');
    const named = await buildActor({ entry: watEntry, world: 'minimal-actor', cacheDir });
    const derived = await buildActor({ entry: watEntry, world: { imports: ['runtime'], exports: [] }, cacheDir });
    const again = await buildActor({ entry: watEntry, world: { imports: ['runtime'], exports: [] }, cacheDir });
    expect(named.cached).toBe(false);
    expect(derived.cached).toBe(false);
    expect(again.cached).toBe(true);
  });

  it('rejects a derived world naming an interface the WIT does not declare with invalid-world', async () => {
    const error = await expectSdkError(
      buildActor({ entry: watEntry, world: { imports: ['runtime', 'telepathy'], exports: [] }, cacheDir: join(dir, 'cache') }),
      'invalid-world',
    );
    expect(error.message).toContain('theater:simple/telepathy');
  });

  it('refuses code importing an interface its world lacks with import-not-in-world, naming the file', async () => {
    const entry = join(dir, 'timed.ts');
    await writeFile(
      entry,
      "import { now } from 'theater:simple/timing';\nexport const actor = { init: (state: unknown) => [state ?? now()] };\n",
    );
    const named = await expectSdkError(buildActor({ entry, world: 'minimal-actor', cacheDir: join(dir, 'cache') }), 'import-not-in-world');
    expect(named.message).toBe(`${entry} imports theater:simple/timing, which world minimal-actor does not import`);
    expect(named.interfaces).toEqual(['theater:simple/timing']);
    const derived = await expectSdkError(
      buildActor({ entry, world: { imports: ['runtime'], exports: [] }, cacheDir: join(dir, 'cache') }),
      'import-not-in-world',
    );
    expect(derived.interfaces).toEqual(['theater:simple/timing']);
  });

  it('reports type errors as type-check-failed with file:line:column when asked to type-check', async () => {
    const entry = join(dir, 'typed', 'wrong.ts');
    await mkdir(join(dir, 'typed'), { recursive: true });
    await writeFile(
      entry,
      "import { log } from 'theater:simple/runtime';\nlog(1);\nexport const actor = { init: (state: Uint8Array | undefined) => [state] };\n",
    );
    const error = await expectSdkError(
      buildActor({ entry, world: 'minimal-actor', typecheck: true, cacheDir: join(dir, 'cache') }),
      'type-check-failed',
    );
    expect(error.message).toContain(`${entry}:2:5 - error TS2345`);
  });
});
