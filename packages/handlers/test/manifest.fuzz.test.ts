/**
 * Fuzzes the manifest parser (TOML, then the schema): whatever the text, `parseManifest` returns a manifest or throws
 * a ManifestError whose problems each name a field, never another error, and answers within a time bound.
 * Runs: THEATER_FUZZ_RUNS; seed: THEATER_FUZZ_SEED (see @theater/test-actors/fuzz).
 */
import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { isManifestError, parseManifest as parseWith, type Manifest, type ParseManifestOptions } from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';

const handlers = defaultHandlers();
const HANDLER_TYPES = handlers.map((handler) => handler.type);
const parseManifest = (text: string, options: Omit<ParseManifestOptions, 'handlers'>) => parseWith(text, { handlers, ...options });

/** The longest one parse may take, even on a loaded machine. */
const TIME_BOUND_MS = 2000;

/**
 * Known defects being fixed on other branches; the bounded runs under `pnpm test` leave these inputs out until
 * those fixes are merged, then this list is emptied. `pnpm fuzz` (THEATER_FUZZ_RUNS set) always includes them.
 * - 3: a very deep table header (`[a.a.a…]`, tens of thousands of parts) takes seconds to refuse (the line locator is
 *   quadratic), so the bounded deep-header property stays below that depth.
 */

type Outcome = { readonly manifest: Manifest } | { readonly problems: readonly { field: string; message: string }[] };

/** Parses `text` and checks the outcome is a manifest or a ManifestError naming fields, within the time bound. */
function parseChecked(text: string): Outcome {
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = { manifest: parseManifest(text, { baseDir: '/actors', source: 'fuzz.toml' }) };
  } catch (error) {
    if (!isManifestError(error, 'invalid-manifest')) throw new Error(`not a ManifestError: ${String(error)}`, { cause: error });
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(problem.field).not.toBe('');
      expect(problem.message).not.toBe('');
      expect(error.message).toContain(problem.field);
    }
    outcome = { problems: error.problems };
  }
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  return outcome;
}

const KEYS = [
  'name',
  'version',
  'component',
  'description',
  'init_state',
  'save_chain',
  'restart',
  'limits',
  'supervision',
  'handler',
  'memory_mb',
  'call_timeout_ms',
  'init_timeout_ms',
  'mailbox',
  'strategy',
  'max_restarts',
  'within_ms',
  'type',
  'path',
  'read_only',
  'allowed_hosts',
  'max_bytes',
  'seed',
  'cwd',
  'x',
  '"quoted key"',
  "'lit'",
  'a.b',
];

/** TOML-ish lines: real keys and headers, values of every kind, and the punctuation parsers trip on. */
const tomlishLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...KEYS),
      fc.constantFrom(' = ', '=', ' == ', ' '),
      fc.oneof(
        fc.constantFrom(
          '"counter"',
          "'x'",
          '1',
          '-1',
          '0',
          '1e400',
          '1_000',
          '0x10',
          'true',
          'false',
          'nan',
          'inf',
          '[]',
          '{}',
          '[1, "a"]',
          '{ a = 1 }',
          '"""',
          "'''",
          '1979-05-27T07:32:00Z',
          '"\\u0000"',
          '"\\uD800"',
          '"unterminated',
          '9007199254740993',
        ),
        fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
        fc.string({ maxLength: 12 }),
      ),
    )
    .map((parts) => parts.join('')),
  fc.constantFrom(
    '[limits]',
    '[supervision]',
    '[[handler]]',
    '[handler]',
    '[[limits]]',
    '[a.b.c]',
    '[',
    ']]',
    '[]',
    '[[]]',
    '#',
    '# comment',
    '',
    '"""',
    'type = "runtime"',
    'type = "filesystem"',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const tomlish = fc
  .array(tomlishLine, { maxLength: 25 })
  .chain((lines) => fc.constantFrom('\n', '\r\n', '\r', ' ').map((separator) => lines.join(separator)));

/** A value of the wrong (or right) type for any field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'runtime', 'one-for-one', 'permanent', 'GET', '127.0.0.1', '/tmp', './x.wasm', 'store:abc'),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 4096, 4097, 2 ** 31, 2 ** 53 - 1),
  fc.double({ noNaN: false }),
  fc.boolean(),
  // TOML dates have four-digit years.
  fc.date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 }),
);

const handlerTable = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...HANDLER_TYPES), anyValue),
    path: anyValue,
    read_only: anyValue,
    allowed_hosts: anyValue,
    allowed_methods: anyValue,
    max_bytes: anyValue,
    max_request_bytes: anyValue,
    max_sleep_ms: anyValue,
    seed: anyValue,
    cwd: anyValue,
    stores: anyValue,
    surprise: anyValue,
  },
  { requiredKeys: ['type'] },
);

/** A manifest document built from the schema's fields, each absent, right or of a wrong type or value. */
const structuredManifest = fc.record(
  {
    name: fc.oneof(fc.constant('counter'), anyValue),
    version: fc.oneof(fc.constant('0.1.0'), anyValue),
    component: fc.oneof(fc.constant('./counter.wasm'), anyValue),
    description: anyValue,
    init_state: anyValue,
    save_chain: anyValue,
    restart: fc.oneof(fc.constantFrom('permanent', 'transient', 'temporary', 'sometimes'), anyValue),
    limits: fc.oneof(
      fc.record(
        { memory_mb: anyValue, call_timeout_ms: anyValue, init_timeout_ms: anyValue, mailbox: anyValue, extra: anyValue },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    supervision: fc.oneof(fc.record({ strategy: anyValue, max_restarts: anyValue, within_ms: anyValue }, { requiredKeys: [] }), anyValue),
    handler: fc.oneof(fc.array(handlerTable, { maxLength: 4 }), anyValue),
    unknown_key: anyValue,
  },
  { requiredKeys: [] },
);

const TOP_LEVEL = new Set([
  'name',
  'version',
  'component',
  'description',
  'init_state',
  'save_chain',
  'restart',
  'limits',
  'supervision',
  'handler',
  'unknown_key',
]);

describe('parseManifest, fuzzed', () => {
  it('returns a manifest or throws a ManifestError naming fields for arbitrary TOML-ish text, in bounded time', () => {
    fc.assert(
      fc.property(tomlish, (text) => void parseChecked(text)),
      fuzzParameters('manifest: TOML-ish text', { runs: 300 }),
    );
  });

  it('names a field of the document in every problem of a manifest built from the schema with wrong types and values', () => {
    fc.assert(
      fc.property(structuredManifest, (document) => {
        const outcome = parseChecked(stringify(document));
        if ('manifest' in outcome) {
          expect(outcome.manifest.name).toBe(document.name);
          return;
        }
        // The document is valid TOML (smol-toml wrote it), so every problem is about one of its fields.
        for (const { field } of outcome.problems) expect(TOP_LEVEL.has(field.split(/[.[]/u)[0]!), field).toBe(true);
      }),
      fuzzParameters('manifest: structured documents', { runs: 150 }),
    );
  });

  it('refuses deeply nested headers, arrays and inline tables in bounded time', () => {
    const nested = fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('header', 'array-header', 'array', 'inline'));
    fc.assert(
      fc.property(nested, ([depth, shape]) => {
        const text =
          shape === 'header'
            ? `${'name = "x"\n'}[${Array(depth).fill('a').join('.')}]\n`
            : shape === 'array-header'
              ? `[[${Array(depth).fill('h').join('.')}]]\n`
              : shape === 'array'
                ? `x = ${'['.repeat(depth)}${']'.repeat(depth)}\n`
                : `x = ${'{ a = '.repeat(depth)}1${' }'.repeat(depth)}\n`;
        parseChecked(text);
      }),
      fuzzParameters('manifest: deep nesting', { runs: 20 }),
    );
  });
});
