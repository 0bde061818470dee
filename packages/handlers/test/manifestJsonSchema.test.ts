/**
 * The JSON Schema of manifest.toml (generated from the zod schema) agrees with the kernel: it accepts every manifest in
 * the repository, refuses what the kernel refuses, carries the kernel's defaults, and describes every key.
 */
import { Ajv } from 'ajv';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { parse, stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { isManifestError, manifestJsonSchema, parseManifest as parseWith, type JsonSchema } from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';
import { tempDir } from './tempDir.js';

const handlers = defaultHandlers();
const HANDLER_TYPES = handlers.map((handler) => handler.type);
const parseManifest = (text: string) => parseWith(text, { handlers });

/** The schema of an array's items, when it is one schema object. */
function itemsOf(schema: JsonSchema): JsonSchema | undefined {
  return typeof schema.items === 'object' && !Array.isArray(schema.items) ? schema.items : undefined;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const schema = manifestJsonSchema(handlers);
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

function kernelAccepts(text: string): boolean {
  try {
    parseManifest(text);
    return true;
  } catch (error) {
    if (isManifestError(error, 'invalid-manifest')) return false;
    throw error;
  }
}

/** Whether `document` breaks a rule JSON Schema cannot state: a handler type declared twice, or min_sleep_ms > max_sleep_ms. */
function breaksKernelOnlyRule(document: unknown): boolean {
  const handlers: unknown[] = isTable(document) && Array.isArray(document['handler']) ? document['handler'] : [];
  const tables = handlers.filter(isTable);
  const types = tables.map((t) => t['type']);
  const inverted = tables.some((t) => t['type'] === 'timing' && Number(t['min_sleep_ms'] ?? 0) > Number(t['max_sleep_ms'] ?? 3_600_000));
  return new Set(types).size < types.length || inverted;
}

/** What the kernel should answer, judging by the schema and the rules only the kernel states. */
function expectedVerdict(text: string): boolean {
  return schemaAccepts(text) && !breaksKernelOnlyRule(parse(text));
}

function schemaAccepts(text: string): boolean {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return false;
  }
  return validate(document);
}

/** Every manifest-like `.toml` file of the repository, outside dependencies, build output and tools' settings. */
async function tomlFiles(dir: string): Promise<string[]> {
  const skip = new Set(['node_modules', 'dist', '.git', '.turbo', '.theater-test', 'coverage', 'test-results']);
  const settings = new Set(['Cargo.toml', 'taplo.toml', 'rustfmt.toml', 'pyproject.toml']);
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await tomlFiles(path)));
    else if (entry.name.endsWith('.toml') && !entry.name.startsWith('.') && !settings.has(entry.name)) found.push(path);
  }
  return found;
}

/** Each property and each handler table of the schema, with its path. */
function describedNodes(node: JsonSchema, path: string): { path: string; node: JsonSchema }[] {
  const nodes = [{ path, node }];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (typeof child === 'object') nodes.push(...describedNodes(child, path === '' ? key : `${path}.${key}`));
  }
  for (const variant of itemsOf(node)?.oneOf ?? []) {
    const type = variant.properties?.['type'];
    const name = typeof type === 'object' ? String(type.const) : '?';
    nodes.push(...describedNodes(variant, `${path}[type = "${name}"]`));
  }
  return nodes;
}

/** The document with every key the schema gives a default filled in (the handler table by its type). */
function withDefaults(document: Record<string, unknown>, node: JsonSchema = schema): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...document };
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (typeof child !== 'object') continue;
    if (filled[key] === undefined && child.default !== undefined) filled[key] = structuredClone(child.default);
    const value = filled[key];
    if (child.type === 'object' && isTable(value)) filled[key] = withDefaults(value, child);
    const variants = itemsOf(child)?.oneOf;
    if (variants !== undefined && Array.isArray(value)) {
      filled[key] = value.map((item: unknown) => {
        if (!isTable(item)) return item;
        const variant = variants.find((v: JsonSchema) => {
          const type = v.properties?.['type'];
          return typeof type === 'object' && type.const === item['type'];
        });
        return variant === undefined ? item : withDefaults(item, variant);
      });
    }
  }
  return filled;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertyOf(node: JsonSchema, key: string): JsonSchema {
  const child = node.properties?.[key];
  if (typeof child !== 'object') throw new Error(`the schema has no ${key}`);
  return child;
}

function variantsOf(node: JsonSchema | boolean | undefined): JsonSchema[] {
  return (typeof node === 'object' ? itemsOf(node)?.oneOf : undefined) ?? [];
}

/** Values around what `node` allows, mostly allowed ones: its bounds, its enum, and a little past them. */
function valuesAround(node: JsonSchema): fc.Arbitrary<unknown> {
  const good: unknown[] = [];
  const bad: unknown[] = ['s', 1, true, {}];
  if (node.enum !== undefined) {
    good.push(...node.enum);
    bad.push('bogus');
  } else if (node.type === 'integer') {
    const min = node.minimum ?? 0;
    const max = Math.min(node.maximum ?? 2 ** 31, 2 ** 31);
    good.push(min, min + 1, max);
    bad.push(min - 1, max + 1, 1.5);
  } else if (node.type === 'string') {
    good.push('x', 'get');
    bad.push('');
  } else if (node.type === 'array') {
    good.push([], itemsOf(node)?.pattern === undefined ? ['x'] : ['get', 'PATCH']);
    bad.push([''], ['FETCH'], [1]);
  } else if (node.type === 'boolean') {
    good.push(true, false);
  }
  return fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...good) }, fc.constantFrom(...bad));
}

/** A table of some of `node`'s keys (its required ones nearly always), now and then with an unknown one. */
function tableOf(node: JsonSchema, leaveOut: readonly string[] = []) {
  const keys = Object.entries(node.properties ?? {}).filter(([key]) => !leaveOut.includes(key));
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of keys) if (typeof child === 'object') model[key] = valuesAround(child);
  const required = (node.required ?? []).filter((key) => !leaveOut.includes(key));
  const missing = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, fc.constantFrom(...required, undefined));
  const unknownKey = fc.oneof({ weight: 20, arbitrary: fc.constant({}) }, fc.constant({ bogus: 1 }));
  return fc
    .tuple(fc.record(model, { requiredKeys: required }), unknownKey, missing)
    .map(([table, extra, left]): Record<string, unknown> => {
      const result: Record<string, unknown> = { ...table, ...extra };
      if (left !== undefined) delete result[left];
      return result;
    });
}

const minimal = 'name = "a"\nversion = "1"\ncomponent = "./a.wasm"\n';

describe('manifestJsonSchema', () => {
  it('is a draft-07 schema of the document as written, every key and handler table described', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties ?? {})).toContain('save_chain');
    const nodes = describedNodes(schema, '');
    expect(nodes.map((n) => n.path)).toEqual(
      expect.arrayContaining(['limits.memory_mb', 'handler[type = "http-client"].allowed_methods', 'handler[type = "runtime"]']),
    );
    const undescribed = nodes.filter(({ node }) => typeof node.description !== 'string' || node.description.length < 10);
    expect(
      undescribed.map((n) => n.path),
      'keys without a description (add .describe() beside the field)',
    ).toEqual([]);
  });

  it('accepts every manifest in the repository, and refuses any fixture the kernel refuses', async () => {
    const files = (await tomlFiles(repoRoot)).map((file) => relative(repoRoot, file));
    expect(files).toEqual(expect.arrayContaining(['examples/counter/manifest.toml', 'test-actors/manifests/webserver.toml']));
    const verdicts = await Promise.all(
      files.map(async (file) => {
        const text = await readFile(join(repoRoot, file), 'utf8');
        const errors = schemaAccepts(text) ? null : validate.errors;
        return { file, kernel: kernelAccepts(text), expected: expectedVerdict(text), errors };
      }),
    );
    for (const verdict of verdicts) expect(verdict).toEqual({ ...verdict, expected: verdict.kernel });
    const examples = verdicts.filter(({ file }) => /^(examples|test-actors\/manifests)\//.test(file));
    expect(examples.filter((v) => !v.kernel)).toEqual([]);
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    ['an unknown top-level key', `${minimal}colour = "red"\n`],
    ['an unknown key in [limits]', `${minimal}[limits]\nmemory = 64\n`],
    ['a misspelt handler option', `${minimal}[[handler]]\ntype = "timing"\nmax_sleep = 5\n`],
    ['an option on a handler that takes none', `${minimal}[[handler]]\ntype = "runtime"\nverbose = true\n`],
    ['a missing required key', 'name = "a"\nversion = "1"\n'],
    ['a string where a boolean goes', `${minimal}save_chain = "yes"\n`],
    ['a number where a string goes', 'name = 1\nversion = "1"\ncomponent = "./a.wasm"\n'],
    ['a float where an integer goes', `${minimal}[limits]\nmailbox = 1.5\n`],
    ['an empty name', 'name = ""\nversion = "1"\ncomponent = "./a.wasm"\n'],
    ['memory_mb above the wasm32 maximum', `${minimal}[limits]\nmemory_mb = 4097\n`],
    ['a zero call_timeout_ms', `${minimal}[limits]\ncall_timeout_ms = 0\n`],
    ['an init_timeout_ms longer than a Node timer', `${minimal}[limits]\ninit_timeout_ms = 2147483648\n`],
    ['a negative max_restarts', `${minimal}[supervision]\nmax_restarts = -1\n`],
    ['an unknown supervision strategy', `${minimal}[supervision]\nstrategy = "all-for-one"\n`],
    ['an unknown restart type', `${minimal}restart = "sometimes"\n`],
    ['an unknown handler type', `${minimal}[[handler]]\ntype = "network"\n`],
    ['a handler without a type', `${minimal}[[handler]]\npath = "./data"\n`],
    ['a filesystem handler without a path', `${minimal}[[handler]]\ntype = "filesystem"\n`],
    ['an unknown HTTP method', `${minimal}[[handler]]\ntype = "http-client"\nallowed_methods = ["FETCH"]\n`],
    ['an empty host', `${minimal}[[handler]]\ntype = "http-client"\nallowed_hosts = [""]\n`],
    ['a handler that is not a table', `${minimal}handler = ["runtime"]\n`],
    ['limits that are not a table', `${minimal}limits = 5\n`],
  ])('refuses %s, as the kernel does', (_what, text) => {
    expect(kernelAccepts(text)).toBe(false);
    expect(schemaAccepts(text)).toBe(false);
  });

  it.each([
    ['the largest limits', `${minimal}[limits]\nmemory_mb = 4096\ncall_timeout_ms = 2147483647\nmailbox = 9007199254740991\n`],
    ['HTTP methods in any case', `${minimal}[[handler]]\ntype = "http-client"\nallowed_methods = ["get", "Post"]\n`],
    ['a #:schema directive', `#:schema ./node_modules/@theater/handlers/dist/manifest.schema.json\n${minimal}`],
    ['an empty description', `${minimal}description = ""\n`],
    ['a seed of 0', `${minimal}[[handler]]\ntype = "random"\nseed = 0\n`],
  ])('accepts %s, as the kernel does', (_what, text) => {
    expect(kernelAccepts(text)).toBe(true);
    expect(schemaAccepts(text)).toBe(true);
  });

  it("gives the kernel's defaults: a manifest with them written out parses to the same manifest", () => {
    const tables = HANDLER_TYPES.map((type) => (type === 'filesystem' ? { type, path: './data' } : { type }));
    const document = { ...(parse(minimal) as Record<string, unknown>), handler: tables };
    const filled = withDefaults(document);
    expect(filled).toMatchObject({ save_chain: true, limits: { memory_mb: 256 }, supervision: { strategy: 'one-for-one' } });
    expect(JSON.stringify(filled)).toContain('"allowed_methods":["GET"');
    expect(validate(filled)).toBe(true);
    expect(parseManifest(stringify(filled))).toEqual(parseManifest(stringify(document)));
  });

  it('agrees with the kernel on generated documents, but for the checks JSON Schema cannot state', () => {
    const handlerVariants = variantsOf(schema.properties?.['handler']);
    const handler = fc.constantFrom(...handlerVariants, undefined).chain((variant) => {
      const type = variant === undefined ? fc.constantFrom<unknown>('bogus', 3) : fc.constant(variant.properties?.['type']);
      return fc.tuple(type, variant === undefined ? fc.constant({}) : tableOf(variant, ['type']));
    });
    const document = fc.record({
      top: tableOf(schema, ['limits', 'supervision', 'handler']),
      limits: fc.option(tableOf(propertyOf(schema, 'limits'))),
      supervision: fc.option(tableOf(propertyOf(schema, 'supervision'))),
      handler: fc.array(handler, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(document, ({ top, limits, supervision, handler: handlers }) => {
        const tables = handlers.map(([type, rest]): Record<string, unknown> => ({ ...rest, type: isTable(type) ? type['const'] : type }));
        const doc = { ...top, ...(limits === null ? {} : { limits }), ...(supervision === null ? {} : { supervision }) };
        const text = stringify(tables.length === 0 ? doc : { ...doc, handler: tables });
        expect(kernelAccepts(text)).toBe(expectedVerdict(text));
      }),
      fuzzParameters('manifest: schema agrees with the kernel', { runs: 500 }),
    );
  });

  it('is what the build writes to dist/manifest.schema.json', async () => {
    await using dir = await tempDir();
    const out = join(dir.path, 'manifest.schema.json');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const args = ['--import', 'tsx', '--conditions=@theater/source', 'scripts/writeManifestSchema.ts', out];
    await promisify(execFile)(process.execPath, args, { cwd });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(schema);
  });
});
