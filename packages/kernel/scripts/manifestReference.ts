/**
 * Renders the manifest reference (`docs/manifest.md`) from the manifest's JSON Schema, which is itself generated from
 * the zod schema: every key's type, default, allowed values and description come from there, so the reference cannot
 * drift from what the kernel accepts. `test/manifestReference.test.ts` checks the committed file against this.
 */
import { itemsOf, type JsonSchema } from '../src/manifest/manifestJsonSchema.js';

/** The command that rewrites `docs/manifest.md`, run in packages/kernel. */
export const REGENERATE_REFERENCE = 'pnpm vitest run test/manifestReference.test.ts -u';

/** Where an installed kernel's schema is, from a project's root (for the `#:schema` directive). */
export const INSTALLED_SCHEMA_PATH = 'node_modules/@theater/kernel/dist/manifest.schema.json';

/** A manifest using most keys, shown in the reference; the reference test checks that the kernel accepts it. */
export const REFERENCE_EXAMPLE = `#:schema ./${INSTALLED_SCHEMA_PATH}
name = "notes"
version = "0.1.0"
component = "./dist/notes.wasm"
description = "Keeps notes in a store and answers how many it holds."
restart = "transient"

[limits]
memory_mb = 128
call_timeout_ms = 5000

[[handler]]
type = "runtime"

[[handler]]
type = "message-server"

[[handler]]
type = "store"

[[handler]]
type = "timing"
max_sleep_ms = 60000

[[handler]]
type = "http-client"
allowed_hosts = ["api.example.com"]
allowed_methods = ["GET", "POST"]
`;

/** The Markdown reference of the manifest described by `schema` (the output of `manifestJsonSchema()`). */
export function renderManifestReference(schema: JsonSchema): string {
  const top = properties(schema);
  const handlerKey = top.handler;
  const variants = (handlerKey === undefined ? undefined : itemsOf(handlerKey)?.oneOf) ?? [];
  const tables = Object.entries(top).filter(([, s]) => s.type === 'object');
  const lines = [
    '# `manifest.toml` reference',
    '',
    `<!-- Generated from packages/kernel/src/manifest/*.ts: do not edit. In packages/kernel, run \`${REGENERATE_REFERENCE}\` to regenerate. -->`,
    '',
    text(schema.description),
    '',
    "An actor's manifest is a TOML file, usually `manifest.toml` beside the actor's component; relative paths in it",
    'resolve against its directory. Keys are snake_case. A key not listed here is an error, and the kernel reports',
    'every problem at once, each with its field and line. A supervisor spawning a child from inline TOML uses the same',
    'format. Ranges are inclusive.',
    '',
    'The same schema ships as JSON Schema in `@theater/kernel/manifest.schema.json`, for editors: with taplo or Even',
    'Better TOML, start the manifest with a `#:schema` line (see the [kernel README](../README.md#editor-support)).',
    '',
    '```toml',
    REFERENCE_EXAMPLE.trimEnd(),
    '```',
    '',
    '## Top-level keys',
    '',
    ...keyTable(schema),
    '',
    ...tables.flatMap(([key, table]) => [`## \`[${key}]\``, '', text(table.description), '', ...keyTable(table), '']),
  ];
  if (handlerKey !== undefined) {
    const types = variants.map((v) => typeOf(v)).filter((t) => t !== undefined);
    lines.push(
      '## `[[handler]]`',
      '',
      text(handlerKey.description),
      '',
      `Each \`[[handler]]\` table has a \`type\`, one of ${types.map((t) => `\`${t}\``).join(', ')}, and the keys of that`,
      'type beside it:',
      '',
      '```toml',
      '[[handler]]',
      'type = "filesystem"',
      'path = "./data"',
      'read_only = true',
      '```',
      '',
    );
    for (const variant of variants) {
      lines.push(`### \`type = "${typeOf(variant) ?? '?'}"\``, '', text(variant.description), '');
      const options = Object.keys(properties(variant)).filter((key) => key !== 'type');
      lines.push(...(options.length === 0 ? ['No other keys.'] : keyTable(variant, ([key]) => key !== 'type')), '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

type Entry = readonly [string, JsonSchema];

function keyTable(table: JsonSchema, include: (entry: Entry) => boolean = () => true): string[] {
  const required = new Set(table.required ?? []);
  const rows = Object.entries(properties(table))
    .filter(include)
    .map(
      ([key, s]) =>
        `| \`${key}\` | ${typeName(s)} | ${required.has(key) ? '**required**' : defaultOf(s)} | ${allowed(s, key)} | ${text(s.description)} |`,
    );
  return ['| key | type | default | allowed | meaning |', '|---|---|---|---|---|', ...rows];
}

function properties(schema: JsonSchema): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(schema.properties ?? {})) if (typeof value === 'object') result[key] = value;
  return result;
}

function typeOf(variant: JsonSchema): string | undefined {
  const type = properties(variant)['type'];
  return typeof type?.const === 'string' ? type.const : undefined;
}

function typeName(s: JsonSchema): string {
  if (typeof s.title === 'string') return s.title;
  if (s.oneOf !== undefined) return 'table';
  const items = itemsOf(s);
  if (s.type === 'array' && items !== undefined) {
    const item = typeName(items);
    return `array of ${item === 'string' ? 'strings' : `${item}s`}`;
  }
  if (s.type === 'object') return 'table';
  return typeof s.type === 'string' ? s.type : 'value';
}

function defaultOf(s: JsonSchema): string {
  if (s.default === undefined) return 'none';
  if (s.type === 'object') return 'see its keys';
  return `\`${toml(s.default)}\``;
}

function allowed(s: JsonSchema, key: string): string {
  if (s.type === 'object') return `see [\`[${key}]\`](#${key})`;
  const items = itemsOf(s);
  if (s.type === 'array' && items?.oneOf !== undefined) return `see [\`[[${key}]]\`](#${key})`;
  const parts: string[] = [];
  if (s.enum !== undefined) parts.push(s.enum.map((v) => `\`${toml(v)}\``).join(', '));
  if (s.minLength !== undefined && s.minLength > 0) parts.push('not empty');
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(range(s.minimum, s.maximum));
  if (s.type === 'array' && items !== undefined) {
    const each = allowed(items, key);
    if (each !== '') parts.push(`each ${each}`);
  }
  return parts.join('; ');
}

function range(min: number | undefined, max: number | undefined): string {
  const unbounded = max === undefined || max >= Number.MAX_SAFE_INTEGER;
  if (min === undefined) return unbounded ? '' : `≤ ${max}`;
  return unbounded ? `≥ ${min}` : `${min} to ${max}`;
}

function toml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toml).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A description in one table cell: pipes escaped, no line breaks. */
function text(description: string | undefined): string {
  return (description ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
