/**
 * Renders the manifest reference (Markdown) from the manifest's JSON Schema, which is itself generated from the zod
 * schemas of the kernel and of the registered handlers: every key's type, default, allowed values and description
 * come from there, so the reference cannot drift from what a system with those handlers accepts.
 */
import { itemsOf, type JsonSchema } from './manifestJsonSchema.js';

/** Where a reference comes from and where its schema is published, for the text around the generated tables. */
export interface ManifestReferenceOptions {
  /** A manifest using most keys, shown at the top (its author's test should check it parses). */
  readonly example: string;
  /** Says where the reference is generated from and how to regenerate it (an HTML comment, not shown). */
  readonly generatedNote: string;
  /** The module the JSON Schema is published as (`@theater/handlers/manifest.schema.json`). */
  readonly schemaModule: string;
  /** A Markdown link to where editor set-up is explained. */
  readonly editorSupportLink: string;
  /** One `[[handler]]` table with options, showing how they sit beside `type`. */
  readonly handlerExample: string;
}

/** The Markdown reference of the manifest described by `schema` (the output of `manifestJsonSchema(handlers)`). */
export function renderManifestReference(schema: JsonSchema, options: ManifestReferenceOptions): string {
  const top = properties(schema);
  const handlerKey = top.handler;
  const variants = (handlerKey === undefined ? undefined : itemsOf(handlerKey)?.oneOf) ?? [];
  const tables = Object.entries(top).filter(([, s]) => s.type === 'object');
  const lines = [
    '# `manifest.toml` reference',
    '',
    `<!-- ${options.generatedNote} -->`,
    '',
    text(schema.description),
    '',
    "An actor's manifest is a TOML file, usually `manifest.toml` beside the actor's component; relative paths in it",
    'resolve against its directory. Keys are snake_case. A key not listed here is an error, and the kernel reports',
    'every problem at once, each with its field and line. A supervisor spawning a child from inline TOML uses the same',
    'format. Ranges are inclusive.',
    '',
    `The same schema ships as JSON Schema in \`${options.schemaModule}\`, for editors: with taplo or Even`,
    `Better TOML, start the manifest with a \`#:schema\` line (see the ${options.editorSupportLink}).`,
    '',
    '```toml',
    options.example.trimEnd(),
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
      options.handlerExample.trimEnd(),
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
