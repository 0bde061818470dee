/** The manifest parser: valid manifests, defaults, and one precise problem per mistake, with a registry of two handlers. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HandlerRegistry } from '../src/handlerRegistry.js';
import { handlerType, optionlessHandler, stringList, table } from '../src/manifest/fieldSchemas.js';
import {
  ManifestError,
  loadManifest as loadWith,
  parseManifest as parseWith,
  type ManifestProblem,
  type ParseManifestOptions,
} from '../src/manifest/index.js';
import { createLineLocator } from '../src/manifest/locateLine.js';
import { describeField } from '../src/manifest/fieldLocation.js';
import { MAX_MANIFEST_BYTES } from '../src/manifest/parseManifest.js';

/** Two handlers defined here, known to no kernel file: one without options, one with a list. */
const handlers = new HandlerRegistry([
  { type: 'runtime', description: 'Logging.', config: optionlessHandler('runtime'), provides: [], requiredExports: {}, create: () => ({}) },
  {
    type: 'store',
    description: 'Stores.',
    config: table({ type: handlerType('store'), stores: stringList().optional() }).transform((v) =>
      v.stores === undefined ? { type: 'store' } : { type: 'store', stores: v.stores },
    ),
    provides: [],
    requiredExports: {},
    create: () => ({}),
  },
]);

const parseManifest = (text: string, options: Omit<ParseManifestOptions, 'handlers'> = {}) => parseWith(text, { handlers, ...options });
const loadManifest = (path: string) => loadWith(path, { handlers });

const HEAD = `name = "counter"
version = "0.1.0"
component = "./counter.wasm"
`;

function failure(text: string, options?: Omit<ParseManifestOptions, 'handlers'>): ManifestError {
  try {
    parseManifest(text, options);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected parseManifest to throw a ManifestError');
}

function problemsOf(text: string): readonly ManifestProblem[] {
  return failure(text).problems;
}

describe('parseManifest', () => {
  test('names each missing required field', () => {
    const error = failure('description = "no name"\n');
    expect(error.code).toBe('invalid-manifest');
    expect(error.problems).toEqual([
      { field: 'name', message: 'missing required field (expected a non-empty string)' },
      { field: 'version', message: 'missing required field (expected a non-empty string)' },
      { field: 'component', message: 'missing required field (expected a non-empty string)' },
    ]);
  });

  test('turns a TOML syntax error into one problem with its line and column', () => {
    const error = failure('name = "counter"\nversion = \ncomponent = "x"\n', { source: 'counter.toml' });
    expect(error.problems).toEqual([{ field: '(toml)', message: 'invalid TOML: invalid value', line: 2, column: 11 }]);
    expect(error.message).toBe('counter.toml: (toml): invalid TOML: invalid value (line 2, column 11)');
    expect(error.cause).toBeInstanceOf(Error);
  });

  test('rejects zero, negative, fractional and too-large limits', () => {
    const text = `${HEAD}
[limits]
memory_mb = 5000
call_timeout_ms = 0
init_timeout_ms = 1.5
mailbox = -1

[supervision]
max_restarts = -1
within_ms = 0
`;
    expect(problemsOf(text)).toEqual([
      { field: 'limits.memory_mb', message: 'expected at most 4096 (the wasm32 maximum), got 5000', line: 6 },
      { field: 'limits.call_timeout_ms', message: 'expected a positive integer, got 0', line: 7 },
      { field: 'limits.init_timeout_ms', message: 'expected a positive integer, got 1.5', line: 8 },
      { field: 'limits.mailbox', message: 'expected a positive integer, got -1', line: 9 },
      { field: 'supervision.max_restarts', message: 'expected a non-negative integer, got -1', line: 12 },
      { field: 'supervision.within_ms', message: 'expected a positive integer, got 0', line: 13 },
    ]);
  });

  test('rejects a timeout longer than a Node timer can wait', () => {
    expect(problemsOf(`${HEAD}[limits]\ncall_timeout_ms = 2147483648\n`)).toEqual([
      {
        field: 'limits.call_timeout_ms',
        message: 'expected at most 2147483647 (the longest timer Node supports), got 2147483648',
        line: 5,
      },
    ]);
  });

  test('rejects an unknown supervision strategy', () => {
    expect(problemsOf(`${HEAD}[supervision]\nstrategy = "one-for-some"\n`)).toEqual([
      {
        field: 'supervision.strategy',
        message: 'expected one of "one-for-one", "one-for-all", "rest-for-one", got "one-for-some"',
        line: 5,
      },
    ]);
  });

  test('rejects an unknown isolation, and leaves an unset one to the actor system', () => {
    expect(problemsOf(`${HEAD}isolation = "private"\n`)).toEqual([
      { field: 'isolation', message: 'expected one of "dedicated", "shared", got "private"', line: 4 },
    ]);
    expect(parseManifest(`${HEAD}isolation = "shared"\n`).isolation).toBe('shared');
    expect(parseManifest(HEAD).isolation).toBeUndefined();
  });

  test('finds the line of a dotted key written at the top level', () => {
    expect(problemsOf(`${HEAD}limits.mailbox = 0\n`)).toEqual([
      { field: 'limits.mailbox', message: 'expected a positive integer, got 0', line: 4 },
    ]);
  });

  test('refuses a table header 50,000 keys deep with bounded work, naming the line of its first key', () => {
    // Locating lines used to cost the square of the depth: 15-21 s for this 100 KB file. Now it is linear; the bound
    // is generous for a loaded machine, far below the quadratic time.
    const deep = `${HEAD}[${Array.from({ length: 50_000 }, () => 'a').join('.')}]\n`;
    const started = performance.now();
    const problems = problemsOf(deep);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(problems).toEqual([{ field: 'a', message: expect.stringMatching(/^unknown key/u), line: 4 }]);
  });

  test('locates lines in a deep table with many keys in time linear in the text', () => {
    // 20,000 keys under a 20,000-deep table: rebuilding the table's path for every key would be 4e8 steps.
    const depth = 20_000;
    const text = [
      HEAD,
      `[${Array.from({ length: depth }, () => 't').join('.')}]`,
      ...Array.from({ length: depth }, (_, i) => `k${i} = 1`),
      '',
    ].join('\n');
    const started = performance.now();
    const locate = createLineLocator(text);
    const path = [...Array.from({ length: depth }, () => 't'), `k${depth - 1}`];
    expect(locate(path)).toBe(5 + depth);
    expect(locate(['t'])).toBe(5);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('finds the line of the array-of-tables entry a sub-table belongs to', () => {
    const locate = createLineLocator('[[handler]]\ntype = "a"\n[[handler]]\ntype = "b"\n[handler.sub]\nkey = 1\n');
    expect(locate(['handler', 1, 'sub', 'key'])).toBe(6);
    expect(locate(['handler', 1, 'sub'])).toBe(5);
    expect(locate(['handler', 0, 'type'])).toBe(2);
    expect(locate(['handler', 0, 'missing'])).toBe(1);
    expect(locate(['nothing'])).toBeUndefined();
  });

  test('resolves a relative component against baseDir', () => {
    const relative = parseManifest(HEAD, { baseDir: '/srv/actors/counter' });
    expect(relative.componentPath).toBe('/srv/actors/counter/counter.wasm');
    expect(relative.baseDir).toBe('/srv/actors/counter');
    expect(parseManifest(HEAD, { baseDir: 'actors' }).componentPath).toBe(resolve('actors', 'counter.wasm'));
    expect(parseManifest(HEAD).componentPath).toBeUndefined();
  });

  test('keeps an absolute component path and leaves a store reference unresolved', () => {
    const absolute = HEAD.replace('./counter.wasm', '/opt/counter.wasm');
    expect(parseManifest(absolute).componentPath).toBe('/opt/counter.wasm');
    const reference = HEAD.replace('./counter.wasm', 'store:components/counter');
    const manifest = parseManifest(reference, { baseDir: '/srv' });
    expect(manifest.component).toBe('store:components/counter');
    expect(manifest.componentPath).toBeUndefined();
  });
});

describe('loadManifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'theater-manifest-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads a manifest file and resolves its component against the file directory', async () => {
    const path = join(dir, 'counter.toml');
    await writeFile(path, `\uFEFF${HEAD}[[handler]]\ntype = "runtime"\n`);
    const manifest = await loadManifest(path);
    expect(manifest.baseDir).toBe(dir);
    expect(manifest.componentPath).toBe(join(dir, 'counter.wasm'));
    expect(manifest.handlers).toEqual([{ type: 'runtime' }]);
  });

  test('names the file in every problem of an invalid manifest file', async () => {
    const path = join(dir, 'counter.toml');
    await writeFile(path, `${HEAD}[limits]\nmemory_mb = -1\n`);
    await expect(loadManifest(path)).rejects.toMatchObject({
      code: 'invalid-manifest',
      source: path,
      message: `${path}: limits.memory_mb: expected a positive integer, got -1 (line 5)`,
    });
  });

  test('reports a missing file with the code manifest-not-found, naming the path', async () => {
    const path = join(dir, 'missing.toml');
    const error: unknown = await loadManifest(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({
      code: 'manifest-not-found',
      source: path,
      problems: [{ field: '(file)', message: 'no manifest file at this path' }],
      message: `${path}: (file): no manifest file at this path`,
    });
    expect((error as ManifestError).cause).toMatchObject({ code: 'ENOENT' });
  });

  test('refuses a directory, a FIFO or a device as the manifest file at once, naming what it is', { timeout: 10_000 }, async () => {
    const fifo = join(dir, 'pipe.toml');
    execFileSync('mkfifo', [fifo]);
    await mkdir(join(dir, 'sub.toml'));
    const cases = [
      [join(dir, 'sub.toml'), 'a directory'],
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a character device'],
    ] as const;
    for (const [path, kind] of cases) {
      await expect(loadManifest(path)).rejects.toMatchObject({
        code: 'manifest-not-found',
        problems: [{ field: '(file)', message: `the manifest file is ${kind}, not a regular file` }],
      });
    }
  });

  test('refuses a manifest file over the size limit without reading it', async () => {
    const path = join(dir, 'huge.toml');
    await writeFile(path, HEAD);
    await truncate(path, 3 * 2 ** 30);
    await expect(loadManifest(path)).rejects.toMatchObject({
      code: 'invalid-manifest',
      problems: [
        { field: '(file)', message: `the manifest file is ${3 * 2 ** 30} bytes; the limit is ${MAX_MANIFEST_BYTES / 2 ** 20} MiB` },
      ],
    });
  });
});

describe('describeField', () => {
  test('names a field with its line in the TOML a manifest was parsed from, and without one for a manifest built in code', () => {
    const text = [
      'name = "a"',
      'version = "1"',
      'component = "./a.wasm"',
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "store"',
      'stores = ["s1", "s2"]',
    ].join('\n');
    const manifest = parseManifest(text);
    expect(describeField(manifest, ['handler', 1, 'stores', 1])).toBe('handler[1].stores[1] (line 8)');
    expect(describeField(manifest, ['handler', 0])).toBe('handler[0] (line 4)');
    expect(describeField({ ...manifest }, ['handler', 1, 'stores', 1])).toBe('handler[1].stores[1]');
  });
});
